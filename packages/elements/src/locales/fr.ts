import type { FlagErrorCode, FlagEvent } from '@flagline/core';
import { formatNumber, plural } from '../internal/format.js';
import type { ContextStrings } from '../internal/context-view.js';
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

const ERRORS: Record<FlagErrorCode, string> = {
  'invalid-state': 'Cette action n’est pas possible pour le moment.',
  'already-acknowledged': 'Un autre superviseur a déjà pris ce drapeau en charge.',
  'already-open': 'Cette interaction a déjà un drapeau ouvert.',
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
    joinedBy: (name) => `${name} a rejoint`,
    loweredBy: (flag) =>
      flag.lowered?.cause === 'interaction-ended'
        ? 'Drapeau baissé\u00a0: l’interaction est terminée'
        : `Drapeau baissé par ${flag.lowered?.by.name ?? 'quelqu’un'}${because(flag.lowered?.reason)}`,
    unread,
    composerTitle: 'Lever un drapeau',
    messageLabel: 'Message pour votre superviseur',
    reasonLabel: 'Motif (facultatif)',
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
    mute: 'Couper les alertes',
    unmute: 'Réactiver les alertes',
    enableNotifications: 'Activer les notifications du bureau',
    announceRaised: (flag) => `${flag.severity === 'urgent' ? 'Drapeau urgent' : 'Nouveau drapeau'} de ${flag.agent.name}\u00a0: ${flag.message}`,
    announceEscalated: (flag) => `Le drapeau de ${flag.agent.name} a été escaladé`,
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
    offeredToYou: (from) => `${from} vous le propose`,
    offeredTo: (to) => `Proposé à ${to}`,
    acceptTransfer: 'Accepter',
    declineTransfer: 'Refuser le relais',
    checkIn: 'Point',
    announceOffered: (flag, from) => `${from} vous propose le drapeau de ${flag.agent.name}`,
    announceDeclined: (flag, by) => `${by} a refusé le drapeau de ${flag.agent.name}\u00a0: il reste chez vous`,
    announceBackInQueue: (flag) => `Le drapeau de ${flag.agent.name} est revenu dans la file de l’équipe`,
  },
  error: (error) => ERRORS[error.code],
} satisfies FlaglineMessages;
