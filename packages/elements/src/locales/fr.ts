import type { FlagErrorCode, FlagEvent } from '@flagline/core';
import { formatNumber, plural } from '../internal/format.js';
import type { ContextStrings } from '../internal/context-strings.js';
import type { FlaglineMessages } from '../internal/localize.js';

/** French (a no-break space before `:` and inside « », as French typography wants). `registerLocale('fr', fr)`. */

const n = (count: number) => formatNumber('fr', count);
const counter = (length: number, max: number) => `${n(length)} / ${n(max)}`;
const unread = (count: number) => plural('fr', count, { one: '# non lu', other: '# non lus' });
const because = (reason?: string) => (reason ? `\u00a0: ${reason}` : '');

const context: ContextStrings = {
  title: 'Conversation partagée',
  summary: 'Résumé',
  from: (from) => (from === 'customer' ? 'Client' : 'Agent'),
  automatic: (ruleName) => `Levé automatiquement\u00a0: ${ruleName}`,
  suggested: (ruleName) => `Suggéré par une règle\u00a0: ${ruleName}`,
};

const RELOAD = 'Une partie de l’interface n’a pas pu être chargée\u00a0: rechargez la page pour réessayer.';
const RETRY = 'Une partie de l’interface n’a pas pu être chargée\u00a0: réessayez, et rechargez la page si l’erreur persiste.';

const ERRORS: Record<FlagErrorCode, string> = {
  'invalid-state': 'Cette action n’est pas possible pour le moment.',
  'already-acknowledged': 'Un autre superviseur a déjà pris ce drapeau en charge.',
  'already-open': 'Cette interaction a déjà un drapeau ouvert.',
  conflict: 'Quelqu’un d’autre a modifié ceci pendant votre édition : rechargez et refaites votre modification.',
  'not-found': 'Ce drapeau n’existe plus.',
  'not-allowed': 'Vous n’avez pas l’autorisation de faire cela.',
  unauthenticated: 'Votre session n’est plus valide\u00a0: reconnectez-vous.',
  'channel-unavailable': 'Les drapeaux ne sont pas disponibles sur ce canal.',
  'fallback-mode': 'Flagline est indisponible pour le moment (mode dégradé).',
  'too-long': 'Le texte est trop long.',
  'invalid-input': 'Les données saisies ne sont pas valides.',
  'rate-limited': 'Trop d’actions à la suite\u00a0: patientez un instant.',
  unavailable: 'Le service est momentanément indisponible\u00a0: nouvel essai automatique.',
  'transport-closed': 'La connexion a été perdue.',
  'invalid-frame': 'Le serveur a reçu des données non valides.',
  internal: 'Une erreur s’est produite.',
};

function systemLine(event: FlagEvent): string {
  const who = event.actor.name;
  switch (event.type) {
    case 'raised':
      if (event.agent) return `${who} a ouvert un point avec ${event.agent.name}\u00a0: «\u00a0${event.message}\u00a0»`;
      return `${who} a levé un drapeau${event.severity === 'urgent' ? ' (urgent)' : ''}${event.reason ? ` [${event.reason}]` : ''}\u00a0: «\u00a0${event.message}\u00a0»${event.automatic ? ` (levé automatiquement par la règle «\u00a0${event.automatic.ruleName}\u00a0»)` : event.suggested ? ` (suggéré par la règle «\u00a0${event.suggested.ruleName}\u00a0»)` : ''}`;
    case 'acknowledged':
      return `${who} a pris en charge le drapeau`;
    case 'escalated':
      return event.level === 1 ? 'Le drapeau a été escaladé au second niveau' : 'Le drapeau a été escaladé à tous les superviseurs';
    case 'lowered':
      return event.cause === 'interaction-ended' ? 'Le drapeau a été baissé car l’interaction est terminée' : `${who} a baissé le drapeau${because(event.reason)}`;
    case 'join-requested':
      return `${who} a demandé au superviseur d’intervenir`;
    case 'join-accepted':
      return `${who} a rejoint la conversation`;
    case 'join-declined':
      return `${who} a refusé d’intervenir${because(event.reason)}`;
    case 'join-cancelled':
      return `${who} a annulé la demande d’intervention`;
    case 'offered':
      return `Le drapeau a été proposé à ${event.to.name}`;
    case 'offer-ended':
      return 'Le drapeau a été proposé à toute l’équipe';
    case 'assigned':
      return `L’interaction a été transférée de ${event.from.name} à ${event.agent.name}`;
    case 'transfer-offered':
      return `${who} a proposé le drapeau à ${event.to.name}${because(event.note)}`;
    case 'transfer-accepted':
      return `${who} a pris le relais`;
    case 'transfer-declined':
      return `${who} a refusé le relais${because(event.reason)}`;
    case 'transfer-expired':
      return 'Le relais n’a pas été accepté à temps\u00a0: le drapeau est revenu dans la file de l’équipe';
    case 'handed-back':
      return `${who} a rendu le drapeau à la file de l’équipe${because(event.note)}`;
    case 'message':
      return `${who}\u00a0: ${event.text}`;
  }
}

export const fr = {
  flagButton: {
    raise: 'Lever un drapeau',
    raising: 'Levée du drapeau…',
    raised: 'Drapeau levé',
    escalated: 'Drapeau escaladé',
    acknowledgedBy: (name) => `Pris en charge par ${name}`,
    checkInBy: (name) => `Point avec ${name}`,
    handingOff: (from, to) => `${from} vous confie à ${to}`,
    checkInNotice: (name) => `${name} a ouvert un point avec vous\u00a0: ouvrez la discussion pour répondre`,
    joinRequested: 'Intervention demandée',
    newsMessage: (name, text) => `Message de ${name}\u00a0: ${text}`,
    newsJoinDeclined: (name, reason) => `${name} ne peut pas intervenir${reason ? `\u00a0: ${reason}` : ''}`,
    joinedBy: (name) => `${name} a rejoint`,
    loweredBy: (flag) =>
      flag.lowered?.cause === 'interaction-ended'
        ? 'Drapeau baissé\u00a0: l’interaction est terminée'
        : `Drapeau baissé par ${flag.lowered?.by.name ?? 'quelqu’un'}${because(flag.lowered?.reason)}`,
    unread,
    composerTitle: 'Lever un drapeau',
    messageLabel: 'Message pour votre superviseur',
    reasonLabel: 'Motif (facultatif)',
    quickReasons: 'Motifs fréquents',
    urgentLabel: 'Urgent',
    counter,
    submit: 'Lever',
    cancel: 'Annuler',
    panelTitle: 'Votre drapeau',
    requestJoin: 'Demander au superviseur d’intervenir',
    cancelJoin: 'Annuler la demande d’intervention',
    lower: 'Baisser le drapeau',
    close: 'Fermer',
    autoRaised: (ruleName) => `Drapeau levé automatiquement\u00a0: ${ruleName}`,
    reviewSuggestion: 'Relire d’abord',
    dismissSuggestion: 'Ignorer',
    sharesContext: (turns, summary) =>
      `Partage ${plural('fr', turns, { one: 'le dernier message', other: 'les # derniers messages' })}${summary ? ' et un résumé' : ''} avec votre superviseur.`,
    contextLegend: 'Conversation partagée avec votre superviseur',
    shareContext: 'Partager la conversation',
    summaryLabel: 'Résumé (une phrase par ligne)',
    context,
    noSupervisor: 'Aucun superviseur en ligne pour l’instant\u00a0: un drapeau attendra le premier disponible.',
    offline: 'Hors ligne\u00a0: ce que vous envoyez partira au retour de la connexion.',
    unavailable: (reason, channel) =>
      reason === 'fallback-mode'
        ? 'Flagline est en mode dégradé\u00a0: <flag-button> est masqué.'
        : `Les drapeaux ne sont pas activés pour les interactions ${channel}\u00a0: <flag-button> est masqué.`,
  },
  supervisorChat: {
    logLabel: (flag, readerIsAgent) =>
      !flag ? 'Discussion privée' : readerIsAgent ? 'Discussion privée avec le superviseur' : `Discussion privée avec ${flag.agent.name}`,
    systemLine,
    sending: 'Envoi…',
    sent: 'Envoyé',
    failed: (message) => `Non envoyé\u00a0: ${message}`,
    retry: 'Réessayer',
    discard: 'Abandonner',
    newMessages: (count) => plural('fr', count, { one: '# nouveau message', other: '# nouveaux messages' }),
    messageLabel: 'Message',
    send: 'Envoyer',
    counter,
    readOnly: (flag) =>
      flag.lowered?.cause === 'interaction-ended'
        ? 'L’interaction est terminée et son drapeau a été baissé\u00a0: cette conversation est en lecture seule.'
        : `${flag.lowered?.by.name ?? 'Quelqu’un'} a baissé le drapeau\u00a0: cette conversation est en lecture seule.`,
    unknownFlag: 'Ce drapeau n’est pas disponible.',
    noFlag: 'Aucune conversation sélectionnée.',
    offline: 'Hors ligne\u00a0: les messages partiront au retour de la connexion.',
    context,
    canned: {
      open: 'Réponses rapides',
      listLabel: 'Réponses rapides',
      count: (count) => plural('fr', count, { one: '# réponse rapide', other: '# réponses rapides' }),
      noMatch: 'Aucune réponse rapide ne correspond.',
      none: 'Pas encore de réponses rapides.',
      team: 'Équipe',
      personal: 'Les miennes',
      manage: 'Modifier les réponses rapides',
      editorTitle: 'Réponses rapides',
      add: 'Ajouter une réponse',
      edit: 'Modifier',
      remove: 'Supprimer',
      title: 'Titre',
      text: 'Texte',
      placeholders: '{agent}, {customer} et {supervisor} sont remplis à l’insertion de la réponse.',
      save: 'Enregistrer',
      cancel: 'Annuler',
      close: 'Fermer',
    },
  },
  raisedFlagsWidget: {
    title: 'Drapeaux levés',
    count: (count) => plural('fr', count, { one: '# drapeau ouvert', other: '# drapeaux ouverts' }),
    empty: 'Aucun drapeau levé. Quand un agent en lève un, il apparaît ici aussitôt, les urgents en premier.',
    listLabel: 'Drapeaux ouverts, urgents d’abord, puis par attente la plus longue',
    teamFilter: 'Équipe',
    channelFilter: 'Canal',
    allTeams: 'Toutes les équipes',
    allChannels: 'Tous les canaux',
    channels: { voice: 'Voix', 'enhanced-messaging': 'Messagerie', 'enhanced-chat': 'Chat', 'legacy-chat': 'Ancien chat' },
    urgent: 'Urgent',
    escalated: 'Escaladé',
    acknowledgedBy: (name, formatted) => `Pris en charge par ${name} · ${formatted}`,
    joinRequested: 'Intervention demandée',
    joined: (name, formatted) => `${name} a rejoint · ${formatted}`,
    reason: (reason) => `Motif\u00a0: ${reason}`,
    waiting: (formatted) => `En attente depuis ${formatted}`,
    unread,
    acknowledge: 'Prendre en charge',
    openChat: 'Ouvrir la discussion',
    join: 'Intervenir',
    decline: 'Refuser',
    lower: 'Baisser',
    chatTitle: (flag) => `Discussion avec ${flag.agent.name}`,
    closeChat: 'Fermer la discussion',
    alerts: {
      settings: 'Réglages des alertes',
      sound: 'Son',
      desktop: 'Notifications du bureau',
      desktopBlocked: 'Ce navigateur bloque les notifications de ce site : autorisez-les dans les réglages du site.',
      repeat: 'Répéter tant que personne ne répond',
      every: (formatted) => `Toutes les ${formatted}`,
      noRepeat: 'Ne pas répéter',
      done: 'Terminé',
      missed: (count) => `Manqués (${n(count)})`,
      missedTitle: 'Drapeaux manqués',
      missedCause: (cause, formatted) => `${cause === 'escalated' ? 'Escaladé sans réponse' : 'Baissé sans réponse'} · il y a ${formatted}`,
      clearMissed: 'Tout effacer',
      badgeTitle: (count, title) => `(${n(count)}) ${title}`,
      stillWaiting: (flag) => `Toujours en attente : ${flag.agent.name}`,
    },
    announceRaised: (flag) => `${flag.severity === 'urgent' ? 'Drapeau urgent' : 'Nouveau drapeau'} de ${flag.agent.name}\u00a0: ${flag.message}`,
    announceEscalated: (flag) => `Le drapeau de ${flag.agent.name} a été escaladé`,
    announceMany: (count) => plural('fr', count, { one: '# drapeau nouveau ou escaladé', other: '# drapeaux nouveaux ou escaladés' }),
    offline: 'Hors ligne\u00a0: reconnexion…',
    automatic: 'Automatique',
    showContext: 'Voir la conversation',
    hideContext: 'Masquer la conversation',
    context,
    groupTitle: (count, label) => `${n(count)} drapeaux similaires — ${label}`,
    showGroup: (count) => `Voir les ${n(count)} drapeaux`,
    hideGroup: 'Masquer les drapeaux',
    replyAll: 'Répondre à tous',
    replyAllLabel: (count) => `Message aux ${n(count)} agents (un sur chaque drapeau)`,
    sendToAll: (count) => `Envoyer aux ${n(count)}`,
    cancelReply: 'Annuler',
    acknowledgeAll: (count) => `Prendre en charge les ${n(count)}`,
    lowerAll: (count) => `Baisser les ${n(count)}`,
    announceEach: (action, done, of) =>
      `${action === 'acknowledge' ? 'Pris en charge' : action === 'lower' ? 'Baissés' : 'Réponse envoyée sur'}\u00a0: ${n(done)} drapeaux sur ${n(of)}`,
    handOff: 'Passer le relais',
    handoffTitle: (flag) => `Passer le relais pour le drapeau de ${flag.agent.name}`,
    handoffTo: 'À',
    backToQueue: 'Retour dans la file de l’équipe',
    handoffLoading: 'Recherche des personnes en ligne…',
    noColleagues: 'Aucun autre superviseur de cette équipe n’est en ligne.',
    handoffNote: 'Note (facultative)',
    handoffSubmit: 'Passer le relais',
    handoffCancel: 'Annuler',
    handoffOfferedToYou: (from) => `${from} vous le propose`,
    handoffOfferedTo: (to) => `Proposé à ${to}`,
    acceptTransfer: 'Accepter',
    declineTransfer: 'Refuser le relais',
    checkIn: 'Point',
    announceHandoffOffered: (flag, from) => `${from} vous propose le drapeau de ${flag.agent.name}`,
    announceDeclined: (flag, by) => `${by} a refusé le drapeau de ${flag.agent.name}\u00a0: il reste chez vous`,
    announceBackInQueue: (flag) => `Le drapeau de ${flag.agent.name} est revenu dans la file de l’équipe`,
    announceJoinRequested: (flag) => `${flag.agent.name} vous demande de rejoindre la conversation`,
    announceLoweredByAgent: (flag) => `${flag.agent.name} a baissé son drapeau`,
    offeredToYou: (seconds) => `Vous est proposé — ${n(seconds)}\u00a0s`,
    offeredTo: (name, seconds) => `Proposé à ${name} — ${n(seconds)}\u00a0s`,
    announceOffered: (flag, seconds) => `Drapeau de ${flag.agent.name} qui vous est proposé pendant ${n(seconds)}\u00a0secondes\u00a0: ${flag.message}`,
    status: 'Mon statut',
    statuses: { available: 'Disponible', busy: 'Occupé', away: 'Absent' },
  },
  flagHistory: {
    title: 'Historique',
    filters: 'Filtres',
    range: 'Baissés dans',
    ranges: { 1: 'la dernière heure', 8: 'les 8 dernières heures', 24: 'les 24 dernières heures', 168: 'les 7 derniers jours' },
    team: 'Équipe',
    agent: 'Agent',
    supervisor: 'Aidé par',
    reason: 'Motif',
    any: 'Tous',
    noReason: '—',
    tableLabel: 'Drapeaux baissés, les plus récents d’abord',
    columns: { helpedBy: 'Aidé par', toAcknowledge: 'Délai de prise en charge', toLower: 'Délai de baisse', cause: 'Baissé par', reason: 'Motif' },
    causes: { agent: 'Agent', supervisor: 'Superviseur', 'interaction-ended': 'Fin de l’interaction' },
    nobody: 'Personne',
    showChat: (agent) => `Afficher la discussion avec ${agent}`,
    hideChat: (agent) => `Masquer la discussion avec ${agent}`,
    chatLabel: (agent) => `Discussion privée avec ${agent}`,
    systemLine,
    loading: 'Chargement de l’historique…',
    empty: 'Aucun drapeau baissé sur cette période avec ces filtres.',
    more: 'Afficher les plus anciens',
    retry: 'Réessayer',
    exportCsv: 'Exporter en CSV',
    shown: (count) => plural('fr', count, { one: '# drapeau baissé affiché', other: '# drapeaux baissés affichés' }),
    csv: {
      flag: 'Drapeau',
      team: 'Équipe',
      agent: 'Agent',
      raisedAt: 'Levé le',
      acknowledgedBy: 'Pris en charge par',
      secondsToAcknowledge: 'Secondes avant prise en charge',
      loweredAt: 'Baissé le',
      secondsToLower: 'Secondes avant baisse',
      cause: 'Cause',
      loweredBy: 'Baissé par',
      reason: 'Motif',
      lowerReason: 'Motif de la baisse',
      message: 'Message',
    },
  },
  flagMetrics: {
    title: 'Demandes d’aide',
    window: (minutes) => (minutes % 60 === 0 ? (minutes === 60 ? 'dernière heure' : `${n(minutes / 60)} dernières heures`) : `${n(minutes)} dernières min`),
    open: 'Ouverts',
    waiting: 'En attente',
    acknowledged: 'Pris en charge',
    escalated: 'Escaladés',
    toAcknowledge: 'Délai de prise en charge',
    toLower: 'Délai de baisse',
    percentiles: (p50, p90) => `p50 ${p50} · p90 ${p90}`,
    none: '—',
    openOverTime: 'Drapeaux ouverts dans le temps',
    time: 'Heure',
    openFlags: 'Drapeaux ouverts',
    byReason: 'Drapeaux par motif',
    noReason: 'Sans motif',
    reasonCount: (reason, count) => `${reason}\u00a0: ${n(count)}`,
    noneRaised: 'Aucun drapeau levé sur cette période.',
    byTeam: 'Par équipe',
    bySupervisor: 'Par superviseur',
    team: 'Équipe',
    supervisor: 'Superviseur',
  },
  // A part of an element whose code failed to load (LazyPart) asks to try again or to reload, whatever its code.
  error: (error) => (error.details?.retry ? RETRY : error.details?.reload ? RELOAD : ERRORS[error.code]),
} satisfies FlaglineMessages;
