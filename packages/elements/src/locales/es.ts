import type { FlagErrorCode, FlagEvent } from '@flagline/core';
import { formatNumber, plural } from '../internal/format.js';
import type { ContextStrings } from '../internal/context-strings.js';
import type { FlaglineMessages } from '../internal/localize.js';

/** Spanish. `registerLocale('es', es)`. */

const n = (count: number) => formatNumber('es', count);
const counter = (length: number, max: number) => `${n(length)} / ${n(max)}`;
const unread = (count: number) => `${n(count)} sin leer`;
const because = (reason?: string) => (reason ? `: ${reason}` : '');

const context: ContextStrings = {
  title: 'Conversación compartida',
  summary: 'Resumen',
  from: (from) => (from === 'customer' ? 'Cliente' : 'Agente'),
  automatic: (ruleName) => `Levantada automáticamente: ${ruleName}`,
  suggested: (ruleName) => `Sugerida por una regla: ${ruleName}`,
};

const RELOAD = 'No se pudo cargar una parte de la interfaz: recargue la página para volver a intentarlo.';
const RETRY = 'No se pudo cargar una parte de la interfaz: vuelva a intentarlo y recargue la página si sigue fallando.';

const ERRORS: Record<FlagErrorCode, string> = {
  'invalid-state': 'Esta acción no es posible ahora.',
  'already-acknowledged': 'Otro supervisor ya atendió esta bandera.',
  'already-open': 'Esta interacción ya tiene una bandera abierta.',
  conflict: 'Otra persona cambió esto mientras lo editabas: vuelve a cargarlo y repite tu cambio.',
  'not-found': 'Esta bandera ya no existe.',
  'not-allowed': 'No tienes permiso para hacer esto.',
  unauthenticated: 'Tu sesión no es válida: vuelve a iniciar sesión.',
  'channel-unavailable': 'Las banderas no están disponibles en este canal.',
  'fallback-mode': 'Flagline no está disponible en este momento (modo de respaldo).',
  'too-long': 'El texto es demasiado largo.',
  'invalid-input': 'Los datos introducidos no son válidos.',
  'rate-limited': 'Demasiadas acciones seguidas: espera un momento.',
  unavailable: 'El servicio no está disponible por ahora: se reintentará solo.',
  'transport-closed': 'Se perdió la conexión.',
  'invalid-frame': 'El servidor recibió datos no válidos.',
  internal: 'Algo salió mal.',
};

function systemLine(event: FlagEvent): string {
  const who = event.actor.name;
  switch (event.type) {
    case 'raised':
      if (event.agent) return `${who} abrió una consulta con ${event.agent.name}: «${event.message}»`;
      return `${who} levantó una bandera${event.severity === 'urgent' ? ' (urgente)' : ''}${event.reason ? ` [${event.reason}]` : ''}: «${event.message}»${event.automatic ? ` (levantada automáticamente por la regla «${event.automatic.ruleName}»)` : event.suggested ? ` (sugerida por la regla «${event.suggested.ruleName}»)` : ''}`;
    case 'acknowledged':
      return `${who} atendió la bandera`;
    case 'escalated':
      return event.level === 1 ? 'La bandera se escaló al segundo nivel' : 'La bandera se escaló a todos los supervisores';
    case 'lowered':
      return event.cause === 'interaction-ended' ? 'La bandera se bajó porque terminó la interacción' : `${who} bajó la bandera${because(event.reason)}`;
    case 'join-requested':
      return `${who} pidió al supervisor que se una`;
    case 'join-accepted':
      return `${who} se unió a la conversación`;
    case 'join-declined':
      return `${who} rechazó unirse${because(event.reason)}`;
    case 'join-cancelled':
      return `${who} canceló la solicitud de unirse`;
    case 'assigned':
      return `La interacción se transfirió de ${event.from.name} a ${event.agent.name}`;
    case 'transfer-offered':
      return `${who} ofreció la bandera a ${event.to.name}${because(event.note)}`;
    case 'transfer-accepted':
      return `${who} se hizo cargo de la bandera`;
    case 'transfer-declined':
      return `${who} rechazó el traspaso${because(event.reason)}`;
    case 'transfer-expired':
      return 'Nadie aceptó el traspaso a tiempo: la bandera volvió a la cola del equipo';
    case 'handed-back':
      return `${who} devolvió la bandera a la cola del equipo${because(event.note)}`;
    case 'offered':
      return `La bandera se ofreció a ${event.to.name}`;
    case 'offer-ended':
      return 'La bandera se ofreció a todo el equipo';
    case 'message':
      return `${who}: ${event.text}`;
  }
}

export const es = {
  flagButton: {
    raise: 'Levantar bandera',
    raising: 'Levantando bandera…',
    raised: 'Bandera levantada',
    escalated: 'Bandera escalada',
    acknowledgedBy: (name) => `Atendida por ${name}`,
    checkInBy: (name) => `Consulta de ${name}`,
    handingOff: (from, to) => `${from} te está pasando a ${to}`,
    checkInNotice: (name) => `${name} abrió una consulta contigo: abre el chat para responder`,
    joinRequested: 'Incorporación solicitada',
    joinedBy: (name) => `${name} se unió`,
    newsMessage: (name, text) => `Mensaje de ${name}: ${text}`,
    newsJoinDeclined: (name, reason) => `${name} no puede unirse${reason ? `: ${reason}` : ''}`,
    loweredBy: (flag) =>
      flag.lowered?.cause === 'interaction-ended'
        ? 'Bandera bajada: la interacción terminó'
        : `Bandera bajada por ${flag.lowered?.by.name ?? 'alguien'}${because(flag.lowered?.reason)}`,
    unread,
    composerTitle: 'Levantar una bandera',
    messageLabel: 'Mensaje para tu supervisor',
    reasonLabel: 'Motivo (opcional)',
    quickReasons: 'Motivos frecuentes',
    urgentLabel: 'Urgente',
    counter,
    submit: 'Levantar',
    cancel: 'Cancelar',
    panelTitle: 'Tu bandera',
    requestJoin: 'Pedir al supervisor que se una',
    cancelJoin: 'Cancelar la solicitud de unirse',
    lower: 'Bajar bandera',
    close: 'Cerrar',
    autoRaised: (ruleName) => `Bandera levantada automáticamente: ${ruleName}`,
    reviewSuggestion: 'Revisar antes',
    dismissSuggestion: 'Descartar',
    sharesContext: (turns, summary) =>
      `Comparte ${plural('es', turns, { one: 'el último mensaje', other: 'los últimos # mensajes' })}${summary ? ' y un resumen' : ''} con tu supervisor.`,
    contextLegend: 'Conversación compartida con tu supervisor',
    shareContext: 'Compartir la conversación',
    summaryLabel: 'Resumen (una frase por línea)',
    context,
    noSupervisor: 'No hay ningún supervisor conectado ahora: la bandera esperará al primero que lo esté.',
    offline: 'Sin conexión: lo que envíes saldrá cuando vuelva la conexión.',
    unavailable: (reason, channel) =>
      reason === 'fallback-mode'
        ? 'Flagline está en modo de respaldo: <flag-button> está oculto.'
        : `Las banderas no están habilitadas en las interacciones de ${channel}: <flag-button> está oculto.`,
  },
  supervisorChat: {
    logLabel: (flag, readerIsAgent) =>
      !flag ? 'Chat privado' : readerIsAgent ? 'Chat privado con el supervisor' : `Chat privado con ${flag.agent.name}`,
    systemLine,
    sending: 'Enviando…',
    sent: 'Enviado',
    failed: (message) => `No enviado: ${message}`,
    retry: 'Reintentar',
    discard: 'Descartar',
    newMessages: (count) => plural('es', count, { one: '# mensaje nuevo', other: '# mensajes nuevos' }),
    messageLabel: 'Mensaje',
    send: 'Enviar',
    counter,
    readOnly: (flag) =>
      flag.lowered?.cause === 'interaction-ended'
        ? 'La interacción terminó y su bandera se bajó: esta conversación es de solo lectura.'
        : `${flag.lowered?.by.name ?? 'Alguien'} bajó la bandera: esta conversación es de solo lectura.`,
    unknownFlag: 'Esta bandera no está disponible.',
    noFlag: 'Ninguna conversación seleccionada.',
    offline: 'Sin conexión: los mensajes se enviarán cuando vuelva la conexión.',
    context,
    canned: {
      open: 'Respuestas rápidas',
      listLabel: 'Respuestas rápidas',
      count: (count) => plural('es', count, { one: '# respuesta rápida', other: '# respuestas rápidas' }),
      noMatch: 'Ninguna respuesta rápida coincide.',
      none: 'Aún no hay respuestas rápidas.',
      team: 'Equipo',
      personal: 'Mías',
      manage: 'Editar respuestas rápidas',
      editorTitle: 'Respuestas rápidas',
      add: 'Añadir una respuesta',
      edit: 'Editar',
      remove: 'Eliminar',
      title: 'Título',
      text: 'Texto',
      placeholders: '{agent}, {customer} y {supervisor} se rellenan al insertar la respuesta.',
      save: 'Guardar',
      cancel: 'Cancelar',
      close: 'Cerrar',
    },
  },
  raisedFlagsWidget: {
    title: 'Banderas levantadas',
    count: (count) => plural('es', count, { one: '# bandera abierta', other: '# banderas abiertas' }),
    empty: 'No hay banderas levantadas. Cuando un agente levante una, aparecerá aquí al momento, las urgentes primero.',
    listLabel: 'Banderas abiertas: primero las urgentes, luego las que más esperan',
    teamFilter: 'Equipo',
    channelFilter: 'Canal',
    allTeams: 'Todos los equipos',
    allChannels: 'Todos los canales',
    channels: { voice: 'Voz', 'enhanced-messaging': 'Mensajería', 'enhanced-chat': 'Chat', 'legacy-chat': 'Chat antiguo' },
    urgent: 'Urgente',
    escalated: 'Escalada',
    acknowledgedBy: (name, formatted) => `Atendida por ${name} · ${formatted}`,
    joinRequested: 'Incorporación solicitada',
    joined: (name, formatted) => `${name} se unió · ${formatted}`,
    reason: (reason) => `Motivo: ${reason}`,
    waiting: (formatted) => `Esperando ${formatted}`,
    unread,
    acknowledge: 'Atender',
    openChat: 'Abrir chat',
    join: 'Unirse',
    decline: 'Rechazar',
    lower: 'Bajar',
    chatTitle: (flag) => `Chat con ${flag.agent.name}`,
    closeChat: 'Cerrar chat',
    alerts: {
      settings: 'Ajustes de alertas',
      sound: 'Sonido',
      desktop: 'Notificaciones de escritorio',
      desktopBlocked: 'Este navegador bloquea las notificaciones de este sitio: permítelas en los ajustes del sitio.',
      repeat: 'Repetir mientras nadie responda',
      every: (formatted) => `Cada ${formatted}`,
      noRepeat: 'No repetir',
      done: 'Listo',
      missed: (count) => `Perdidas (${n(count)})`,
      missedTitle: 'Banderas que te perdiste',
      missedCause: (cause, formatted) => `${cause === 'escalated' ? 'Escalada sin respuesta' : 'Bajada sin respuesta'} · hace ${formatted}`,
      clearMissed: 'Borrar todo',
      badgeTitle: (count, title) => `(${n(count)}) ${title}`,
      stillWaiting: (flag) => `Sigue esperando: ${flag.agent.name}`,
    },
    announceRaised: (flag) => `${flag.severity === 'urgent' ? 'Bandera urgente' : 'Nueva bandera'} de ${flag.agent.name}: ${flag.message}`,
    announceEscalated: (flag) => `La bandera de ${flag.agent.name} se escaló`,
    announceMany: (count) => plural('es', count, { one: '# bandera nueva o escalada', other: '# banderas nuevas o escaladas' }),
    offline: 'Sin conexión: reconectando…',
    automatic: 'Automática',
    showContext: 'Ver conversación',
    hideContext: 'Ocultar conversación',
    context,
    groupTitle: (count, label) => `${n(count)} banderas similares — ${label}`,
    showGroup: (count) => `Ver las ${n(count)} banderas`,
    hideGroup: 'Ocultar las banderas',
    replyAll: 'Responder a todos',
    replyAllLabel: (count) => `Mensaje para los ${n(count)} agentes (uno en cada bandera)`,
    sendToAll: (count) => `Enviar a ${n(count)}`,
    cancelReply: 'Cancelar',
    acknowledgeAll: (count) => `Atender las ${n(count)}`,
    lowerAll: (count) => `Bajar las ${n(count)}`,
    announceEach: (action, done, of) =>
      `${action === 'acknowledge' ? 'Atendidas' : action === 'lower' ? 'Bajadas' : 'Respuesta enviada en'} ${n(done)} de ${n(of)} banderas`,
    handOff: 'Traspasar',
    handoffTitle: (flag) => `Traspasar la bandera de ${flag.agent.name}`,
    handoffTo: 'A',
    backToQueue: 'De vuelta a la cola del equipo',
    handoffLoading: 'Buscando quién está conectado…',
    noColleagues: 'No hay otro supervisor de este equipo conectado.',
    handoffNote: 'Nota (opcional)',
    handoffSubmit: 'Traspasar',
    handoffCancel: 'Cancelar',
    handoffOfferedToYou: (from) => `${from} te la ofrece`,
    handoffOfferedTo: (to) => `Ofrecida a ${to}`,
    acceptTransfer: 'Aceptar',
    declineTransfer: 'Rechazar traspaso',
    checkIn: 'Consulta',
    announceHandoffOffered: (flag, from) => `${from} te ofrece la bandera de ${flag.agent.name}`,
    announceDeclined: (flag, by) => `${by} rechazó la bandera de ${flag.agent.name}: sigue contigo`,
    announceBackInQueue: (flag) => `La bandera de ${flag.agent.name} volvió a la cola del equipo`,
    announceJoinRequested: (flag) => `${flag.agent.name} le pide que se una a la conversación`,
    announceLoweredByAgent: (flag) => `${flag.agent.name} bajó su bandera`,
    offeredToYou: (seconds) => `Ofrecida a ti — ${n(seconds)} s`,
    offeredTo: (name, seconds) => `Ofrecida a ${name} — ${n(seconds)} s`,
    announceOffered: (flag, seconds) => `Bandera de ${flag.agent.name} ofrecida a ti durante ${n(seconds)} segundos: ${flag.message}`,
    status: 'Mi estado',
    statuses: { available: 'Disponible', busy: 'Ocupado', away: 'Ausente' },
  },
  flagHistory: {
    title: 'Historial',
    filters: 'Filtros',
    range: 'Bajadas en',
    ranges: { 1: 'la última hora', 8: 'las últimas 8 horas', 24: 'las últimas 24 horas', 168: 'los últimos 7 días' },
    team: 'Equipo',
    agent: 'Agente',
    supervisor: 'Atendida por',
    reason: 'Motivo',
    any: 'Cualquiera',
    noReason: '—',
    tableLabel: 'Banderas bajadas, las más recientes primero',
    columns: { helpedBy: 'Atendida por', toAcknowledge: 'Tiempo hasta atender', toLower: 'Tiempo hasta bajar', cause: 'Bajada por', reason: 'Motivo' },
    causes: { agent: 'Agente', supervisor: 'Supervisor', 'interaction-ended': 'Fin de la interacción' },
    nobody: 'Nadie',
    showChat: (agent) => `Ver el chat con ${agent}`,
    hideChat: (agent) => `Ocultar el chat con ${agent}`,
    chatLabel: (agent) => `Chat privado con ${agent}`,
    systemLine,
    loading: 'Cargando el historial…',
    empty: 'Ninguna bandera se bajó en este periodo con estos filtros.',
    more: 'Ver anteriores',
    retry: 'Reintentar',
    exportCsv: 'Exportar CSV',
    shown: (count) => plural('es', count, { one: 'Se muestra # bandera bajada', other: 'Se muestran # banderas bajadas' }),
    csv: {
      flag: 'Bandera',
      team: 'Equipo',
      agent: 'Agente',
      raisedAt: 'Levantada',
      acknowledgedBy: 'Atendida por',
      secondsToAcknowledge: 'Segundos hasta atender',
      loweredAt: 'Bajada',
      secondsToLower: 'Segundos hasta bajar',
      cause: 'Causa',
      loweredBy: 'Bajada por',
      reason: 'Motivo',
      lowerReason: 'Motivo al bajar',
      message: 'Mensaje',
    },
  },
  flagMetrics: {
    title: 'Solicitudes de ayuda',
    window: (minutes) => (minutes % 60 === 0 ? (minutes === 60 ? 'última hora' : `últimas ${n(minutes / 60)} horas`) : `últimos ${n(minutes)} min`),
    open: 'Abiertas',
    waiting: 'En espera',
    acknowledged: 'Atendidas',
    escalated: 'Escaladas',
    toAcknowledge: 'Tiempo hasta atender',
    toLower: 'Tiempo hasta bajar',
    percentiles: (p50, p90) => `p50 ${p50} · p90 ${p90}`,
    none: '—',
    openOverTime: 'Banderas abiertas en el tiempo',
    time: 'Hora',
    openFlags: 'Banderas abiertas',
    byReason: 'Banderas por motivo',
    noReason: 'Sin motivo',
    reasonCount: (reason, count) => `${reason}: ${n(count)}`,
    noneRaised: 'Ninguna bandera levantada en este periodo.',
    byTeam: 'Por equipo',
    bySupervisor: 'Por supervisor',
    team: 'Equipo',
    supervisor: 'Supervisor',
  },
  // A part of an element whose code failed to load (LazyPart) asks to try again or to reload, whatever its code.
  error: (error) => (error.details?.retry ? RETRY : error.details?.reload ? RELOAD : ERRORS[error.code]),
} satisfies FlaglineMessages;
