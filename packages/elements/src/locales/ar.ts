import type { FlagErrorCode, FlagEvent } from '@flagline/core';
import { formatNumber, plural, type PluralForms } from '../internal/format.js';
import type { ContextStrings } from '../internal/context-strings.js';
import type { FlaglineMessages } from '../internal/localize.js';

/** Arabic (Modern Standard; six plural forms). Put the elements under `dir="rtl"`. `registerLocale('ar', ar)`. */

const n = (count: number) => formatNumber('ar', count);
const counter = (length: number, max: number) => `${n(length)} / ${n(max)}`;
const UNREAD: PluralForms = {
  zero: 'لا رسائل غير مقروءة',
  one: 'رسالة واحدة غير مقروءة',
  two: 'رسالتان غير مقروءتين',
  few: '# رسائل غير مقروءة',
  many: '# رسالة غير مقروءة',
  other: '# رسالة غير مقروءة',
};
const unread = (count: number) => plural('ar', count, UNREAD);
const because = (reason?: string) => (reason ? `: ${reason}` : '');

const context: ContextStrings = {
  title: 'المحادثة المشتركة',
  summary: 'الملخص',
  from: (from) => (from === 'customer' ? 'العميل' : 'الوكيل'),
  automatic: (ruleName) => `رُفع تلقائيًا: ${ruleName}`,
  suggested: (ruleName) => `اقترحته قاعدة: ${ruleName}`,
};
const LAST_MESSAGES: PluralForms = {
  zero: 'لا رسائل',
  one: 'آخر رسالة',
  two: 'آخر رسالتين',
  few: 'آخر # رسائل',
  many: 'آخر # رسالة',
  other: 'آخر # رسالة',
};

const RELOAD = 'تعذّر تحميل جزء من الواجهة: أعد تحميل الصفحة للمحاولة مرة أخرى.';
const RETRY = 'تعذّر تحميل جزء من الواجهة: حاول مرة أخرى، وأعد تحميل الصفحة إذا استمر الخطأ.';

const ERRORS: Record<FlagErrorCode, string> = {
  'invalid-state': 'لا يمكن تنفيذ هذا الإجراء الآن.',
  'already-acknowledged': 'استلم مشرف آخر هذا العلم بالفعل.',
  'already-open': 'لهذا التفاعل علم مفتوح بالفعل.',
  conflict: 'غيّر شخص آخر هذا أثناء تعديلك: أعد تحميله وكرر تعديلك.',
  'not-found': 'هذا العلم لم يعد موجودًا.',
  'not-allowed': 'ليس لديك إذن للقيام بذلك.',
  unauthenticated: 'جلستك غير صالحة: سجّل الدخول مجددًا.',
  'channel-unavailable': 'الأعلام غير متاحة في هذه القناة.',
  'fallback-mode': 'Flagline غير متاح حاليًا (وضع الاحتياط).',
  'too-long': 'النص طويل جدًا.',
  'invalid-input': 'البيانات المدخلة غير صالحة.',
  'rate-limited': 'إجراءات كثيرة متتالية: انتظر لحظة.',
  unavailable: 'الخدمة غير متاحة مؤقتًا: ستُعاد المحاولة تلقائيًا.',
  'transport-closed': 'انقطع الاتصال.',
  'invalid-frame': 'تلقى الخادم بيانات غير صالحة.',
  internal: 'حدث خطأ ما.',
};

function systemLine(event: FlagEvent): string {
  const who = event.actor.name;
  switch (event.type) {
    case 'raised':
      if (event.agent) return `فتح ${who} متابعة مع ${event.agent.name}: «${event.message}»`;
      return `رفع ${who} علمًا${event.severity === 'urgent' ? ' (عاجل)' : ''}${event.reason ? ` [${event.reason}]` : ''}: «${event.message}»${event.automatic ? ` (رُفع تلقائيًا بالقاعدة «${event.automatic.ruleName}»)` : event.suggested ? ` (اقترحته القاعدة «${event.suggested.ruleName}»)` : ''}`;
    case 'acknowledged':
      return `استلم ${who} العلم`;
    case 'escalated':
      return event.level === 1 ? 'صُعِّد العلم إلى المستوى الثاني' : 'صُعِّد العلم إلى جميع المشرفين';
    case 'lowered':
      return event.cause === 'interaction-ended' ? 'أُنزل العلم لانتهاء التفاعل' : `أنزل ${who} العلم${because(event.reason)}`;
    case 'join-requested':
      return `طلب ${who} انضمام المشرف`;
    case 'join-accepted':
      return `انضم ${who} إلى المحادثة`;
    case 'join-declined':
      return `رفض ${who} الانضمام${because(event.reason)}`;
    case 'join-cancelled':
      return `ألغى ${who} طلب الانضمام`;
    case 'offered':
      return `عُرض العلم على ${event.to.name}`;
    case 'offer-ended':
      return 'عُرض العلم على الفريق كله';
    case 'assigned':
      return `نُقل التفاعل من ${event.from.name} إلى ${event.agent.name}`;
    case 'transfer-offered':
      return `عرض ${who} العلم على ${event.to.name}${because(event.note)}`;
    case 'transfer-accepted':
      return `تولّى ${who} العلم`;
    case 'transfer-declined':
      return `رفض ${who} التسليم${because(event.reason)}`;
    case 'transfer-expired':
      return 'لم يُقبل التسليم في الوقت المحدد: عاد العلم إلى قائمة الفريق';
    case 'handed-back':
      return `أعاد ${who} العلم إلى قائمة الفريق${because(event.note)}`;
    case 'message':
      return `${who}: ${event.text}`;
  }
}

export const ar = {
  flagButton: {
    raise: 'رفع علم',
    raising: 'جارٍ رفع العلم…',
    raised: 'تم رفع العلم',
    escalated: 'تم تصعيد العلم',
    acknowledgedBy: (name) => `استلمه ${name}`,
    checkInBy: (name) => `متابعة من ${name}`,
    handingOff: (from, to) => `يسلّمك ${from} إلى ${to}`,
    checkInNotice: (name) => `فتح ${name} متابعة معك: افتح المحادثة للرد`,
    joinRequested: 'طُلب الانضمام',
    joinedBy: (name) => `انضم ${name}`,
    newsMessage: (name, text) => `رسالة من ${name}: ${text}`,
    newsJoinDeclined: (name, reason) => `لا يستطيع ${name} الانضمام${reason ? `: ${reason}` : ''}`,
    loweredBy: (flag) =>
      flag.lowered?.cause === 'interaction-ended'
        ? 'أُنزل العلم: انتهى التفاعل'
        : `أنزل ${flag.lowered?.by.name ?? 'أحدهم'} العلم${because(flag.lowered?.reason)}`,
    unread,
    composerTitle: 'رفع علم',
    messageLabel: 'رسالة إلى مشرفك',
    reasonLabel: 'السبب (اختياري)',
    quickReasons: 'أسباب شائعة',
    urgentLabel: 'عاجل',
    counter,
    submit: 'ارفع',
    cancel: 'إلغاء',
    panelTitle: 'علمك',
    requestJoin: 'اطلب انضمام المشرف',
    cancelJoin: 'إلغاء طلب الانضمام',
    lower: 'أنزل العلم',
    close: 'إغلاق',
    autoRaised: (ruleName) => `رُفع العلم تلقائيًا: ${ruleName}`,
    reviewSuggestion: 'راجع أولًا',
    dismissSuggestion: 'تجاهل',
    sharesContext: (turns, summary) => `يشارك ${plural('ar', turns, LAST_MESSAGES)}${summary ? ' وملخصًا' : ''} مع مشرفك.`,
    contextLegend: 'المحادثة المشتركة مع مشرفك',
    shareContext: 'مشاركة المحادثة',
    summaryLabel: 'الملخص (جملة في كل سطر)',
    context,
    noSupervisor: 'لا يوجد مشرف متصل الآن: ينتظر العلم أول مشرف يتصل.',
    offline: 'غير متصل: يُرسل ما ترسله عند عودة الاتصال.',
    unavailable: (reason, channel) =>
      reason === 'fallback-mode'
        ? 'Flagline في وضع الاحتياط: تم إخفاء <flag-button>.'
        : `الأعلام غير مفعّلة في تفاعلات ${channel}: تم إخفاء <flag-button>.`,
  },
  supervisorChat: {
    logLabel: (flag, readerIsAgent) =>
      !flag ? 'محادثة خاصة' : readerIsAgent ? 'محادثة خاصة مع المشرف' : `محادثة خاصة مع ${flag.agent.name}`,
    systemLine,
    sending: 'جارٍ الإرسال…',
    sent: 'أُرسلت',
    failed: (message) => `لم تُرسل: ${message}`,
    retry: 'إعادة المحاولة',
    discard: 'تجاهل',
    newMessages: (count) =>
      plural('ar', count, {
        zero: 'لا رسائل جديدة',
        one: 'رسالة جديدة واحدة',
        two: 'رسالتان جديدتان',
        few: '# رسائل جديدة',
        many: '# رسالة جديدة',
        other: '# رسالة جديدة',
      }),
    messageLabel: 'رسالة',
    send: 'إرسال',
    counter,
    readOnly: (flag) =>
      flag.lowered?.cause === 'interaction-ended'
        ? 'انتهى التفاعل وأُنزل علمه: هذه المحادثة للقراءة فقط.'
        : `أنزل ${flag.lowered?.by.name ?? 'أحدهم'} العلم: هذه المحادثة للقراءة فقط.`,
    unknownFlag: 'هذا العلم غير متاح.',
    noFlag: 'لم تُحدَّد أي محادثة.',
    offline: 'غير متصل: ستُرسل الرسائل عند عودة الاتصال.',
    context,
    canned: {
      open: 'ردود سريعة',
      listLabel: 'ردود سريعة',
      count: (count) => plural('ar', count, { zero: 'لا ردود سريعة', one: 'رد سريع واحد', two: 'ردان سريعان', few: '# ردود سريعة', many: '# ردًا سريعًا', other: '# رد سريع' }),
      noMatch: 'لا يطابق أي رد سريع.',
      none: 'لا توجد ردود سريعة بعد.',
      team: 'الفريق',
      personal: 'ردودي',
      manage: 'تعديل الردود السريعة',
      editorTitle: 'ردود سريعة',
      add: 'إضافة رد',
      edit: 'تعديل',
      remove: 'حذف',
      title: 'العنوان',
      text: 'النص',
      placeholders: 'تُملأ {agent} و{customer} و{supervisor} عند إدراج الرد.',
      save: 'حفظ',
      cancel: 'إلغاء',
      close: 'إغلاق',
    },
  },
  raisedFlagsWidget: {
    title: 'الأعلام المرفوعة',
    count: (count) =>
      plural('ar', count, {
        zero: 'لا أعلام مفتوحة',
        one: 'علم مفتوح واحد',
        two: 'علمان مفتوحان',
        few: '# أعلام مفتوحة',
        many: '# علمًا مفتوحًا',
        other: '# علم مفتوح',
      }),
    empty: 'لا توجد أعلام مرفوعة. عندما يرفع موظف علمًا يظهر هنا فورًا، والعاجلة أولًا.',
    listLabel: 'الأعلام المفتوحة، العاجلة أولًا ثم الأطول انتظارًا',
    teamFilter: 'الفريق',
    channelFilter: 'القناة',
    allTeams: 'كل الفرق',
    allChannels: 'كل القنوات',
    channels: { voice: 'صوت', 'enhanced-messaging': 'مراسلة', 'enhanced-chat': 'دردشة', 'legacy-chat': 'دردشة قديمة' },
    urgent: 'عاجل',
    escalated: 'مُصعَّد',
    acknowledgedBy: (name, formatted) => `استلمه ${name} · ${formatted}`,
    joinRequested: 'طُلب الانضمام',
    joined: (name, formatted) => `انضم ${name} · ${formatted}`,
    reason: (reason) => `السبب: ${reason}`,
    waiting: (formatted) => `ينتظر منذ ${formatted}`,
    unread,
    acknowledge: 'استلام',
    openChat: 'فتح المحادثة',
    join: 'انضمام',
    decline: 'رفض',
    lower: 'إنزال',
    chatTitle: (flag) => `محادثة مع ${flag.agent.name}`,
    closeChat: 'إغلاق المحادثة',
    alerts: {
      settings: 'إعدادات التنبيهات',
      sound: 'الصوت',
      desktop: 'إشعارات سطح المكتب',
      desktopBlocked: 'يحظر هذا المتصفح إشعارات هذا الموقع: اسمح بها في إعدادات الموقع.',
      repeat: 'التكرار ما دام لم يُرَد',
      every: (formatted) => `كل ${formatted}`,
      noRepeat: 'بلا تكرار',
      done: 'تم',
      missed: (count) => `فائتة (${n(count)})`,
      missedTitle: 'أعلام فاتتك',
      missedCause: (cause, formatted) => `${cause === 'escalated' ? 'صُعِّد دون رد' : 'أُنزل دون رد'} · منذ ${formatted}`,
      clearMissed: 'مسح الكل',
      badgeTitle: (count, title) => `(${n(count)}) ${title}`,
      stillWaiting: (flag) => `ما زال ينتظر: ${flag.agent.name}`,
    },
    announceRaised: (flag) => `${flag.severity === 'urgent' ? 'علم عاجل' : 'علم جديد'} من ${flag.agent.name}: ${flag.message}`,
    announceEscalated: (flag) => `صُعِّد علم ${flag.agent.name}`,
    announceMany: (count) =>
      plural('ar', count, {
        zero: 'لا أعلام جديدة أو مُصعَّدة',
        one: 'علم جديد أو مُصعَّد واحد',
        two: 'علمان جديدان أو مُصعَّدان',
        few: '# أعلام جديدة أو مُصعَّدة',
        many: '# علمًا جديدًا أو مُصعَّدًا',
        other: '# علم جديد أو مُصعَّد',
      }),
    offline: 'غير متصل: جارٍ إعادة الاتصال…',
    automatic: 'تلقائي',
    showContext: 'عرض المحادثة',
    hideContext: 'إخفاء المحادثة',
    context,
    groupTitle: (count, label) => `${n(count)} أعلام متشابهة — ${label}`,
    showGroup: (count) => `عرض الأعلام (${n(count)})`,
    hideGroup: 'إخفاء الأعلام',
    replyAll: 'الرد على الجميع',
    replyAllLabel: (count) => `رسالة إلى الوكلاء (${n(count)})، واحدة على كل علم`,
    sendToAll: (count) => `إرسال إلى ${n(count)}`,
    cancelReply: 'إلغاء',
    acknowledgeAll: (count) => `استلام الكل (${n(count)})`,
    lowerAll: (count) => `خفض الكل (${n(count)})`,
    announceEach: (action, done, of) =>
      `${action === 'acknowledge' ? 'تم الاستلام' : action === 'lower' ? 'تم الخفض' : 'أُرسل الرد'}: ${n(done)} من ${n(of)} أعلام`,
    handOff: 'تسليم',
    handoffTitle: (flag) => `تسليم علم ${flag.agent.name}`,
    handoffTo: 'إلى',
    backToQueue: 'العودة إلى قائمة الفريق',
    handoffLoading: 'جارٍ البحث عن المتصلين…',
    noColleagues: 'لا يوجد مشرف آخر متصل من هذا الفريق.',
    handoffNote: 'ملاحظة (اختيارية)',
    handoffSubmit: 'تسليم',
    handoffCancel: 'إلغاء',
    handoffOfferedToYou: (from) => `عرضه عليك ${from}`,
    handoffOfferedTo: (to) => `معروض على ${to}`,
    acceptTransfer: 'قبول',
    declineTransfer: 'رفض التسليم',
    checkIn: 'متابعة',
    announceHandoffOffered: (flag, from) => `يعرض عليك ${from} علم ${flag.agent.name}`,
    announceDeclined: (flag, by) => `رفض ${by} علم ${flag.agent.name}: يبقى معك`,
    announceBackInQueue: (flag) => `عاد علم ${flag.agent.name} إلى قائمة الفريق`,
    announceJoinRequested: (flag) => `يطلب ${flag.agent.name} انضمامك إلى المحادثة`,
    announceLoweredByAgent: (flag) => `أنزل ${flag.agent.name} علمه`,
    offeredToYou: (seconds) => `معروض عليك — ${n(seconds)} ث`,
    offeredTo: (name, seconds) => `معروض على ${name} — ${n(seconds)} ث`,
    announceOffered: (flag, seconds) => `عُرض عليك علم من ${flag.agent.name} لمدة ${n(seconds)} ثانية: ${flag.message}`,
    status: 'حالتي',
    statuses: { available: 'متاح', busy: 'مشغول', away: 'بعيد' },
  },
  flagHistory: {
    title: 'السجل',
    filters: 'عوامل التصفية',
    range: 'أُنزلت خلال',
    ranges: { 1: 'الساعة الأخيرة', 8: 'آخر 8 ساعات', 24: 'آخر 24 ساعة', 168: 'آخر 7 أيام' },
    team: 'الفريق',
    agent: 'الوكيل',
    supervisor: 'ساعده',
    reason: 'السبب',
    any: 'الكل',
    noReason: '—',
    tableLabel: 'الأعلام المُنزلة، الأحدث أولًا',
    columns: { helpedBy: 'ساعده', toAcknowledge: 'الوقت حتى الاستلام', toLower: 'الوقت حتى الإنزال', cause: 'أنزله', reason: 'السبب' },
    causes: { agent: 'الوكيل', supervisor: 'المشرف', 'interaction-ended': 'انتهاء التفاعل' },
    nobody: 'لا أحد',
    showChat: (agent) => `عرض المحادثة مع ${agent}`,
    hideChat: (agent) => `إخفاء المحادثة مع ${agent}`,
    chatLabel: (agent) => `محادثة خاصة مع ${agent}`,
    systemLine,
    loading: 'جارٍ تحميل السجل…',
    empty: 'لم يُنزل أي علم في هذه الفترة بهذه العوامل.',
    more: 'عرض الأقدم',
    retry: 'إعادة المحاولة',
    exportCsv: 'تصدير CSV',
    shown: (count) => `الأعلام المُنزلة المعروضة: ${n(count)}`,
    csv: {
      flag: 'العلم',
      team: 'الفريق',
      agent: 'الوكيل',
      raisedAt: 'وقت الرفع',
      acknowledgedBy: 'استلمه',
      secondsToAcknowledge: 'ثوانٍ حتى الاستلام',
      loweredAt: 'وقت الإنزال',
      secondsToLower: 'ثوانٍ حتى الإنزال',
      cause: 'السبب',
      loweredBy: 'أنزله',
      reason: 'السبب',
      lowerReason: 'سبب الإنزال',
      message: 'الرسالة',
    },
  },
  flagMetrics: {
    title: 'طلبات المساعدة',
    window: (minutes) => (minutes % 60 === 0 ? `آخر ${n(minutes / 60)} ساعة` : `آخر ${n(minutes)} دقيقة`),
    open: 'مفتوحة',
    waiting: 'في الانتظار',
    acknowledged: 'مستلمة',
    escalated: 'مصعّدة',
    toAcknowledge: 'الوقت حتى الاستلام',
    toLower: 'الوقت حتى الإنزال',
    percentiles: (p50, p90) => `p50 ${p50} · p90 ${p90}`,
    none: '—',
    openOverTime: 'الأعلام المفتوحة عبر الوقت',
    time: 'الوقت',
    openFlags: 'الأعلام المفتوحة',
    byReason: 'الأعلام حسب السبب',
    noReason: 'بلا سبب',
    reasonCount: (reason, count) => `${reason}: ${n(count)}`,
    noneRaised: 'لم يُرفع أي علم في هذه الفترة.',
    byTeam: 'حسب الفريق',
    bySupervisor: 'حسب المشرف',
    team: 'الفريق',
    supervisor: 'المشرف',
  },
  // A part of an element whose code failed to load (LazyPart) asks to try again or to reload, whatever its code.
  error: (error) => (error.details?.retry ? RETRY : error.details?.reload ? RELOAD : ERRORS[error.code]),
} satisfies FlaglineMessages;
