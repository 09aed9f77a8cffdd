// What patients write, by language: the words and idioms that carry an intent, and the small words
// (negations, fillers, question and time words) around them. Data only; reply-cues.ts reads it.
// Phrases go through the same normalisation as replies, so write them as people do ("can't", "à").
// In a phrase, "word*" matches any word starting so, and "…" skips up to three words.

export const LANGUAGES = ['en', 'es', 'fr', 'de', 'pt'] as const;
export type Language = (typeof LANGUAGES)[number];

/**
 * confirm: yes, ok, see you. attend: "I'll come" (negated: a cancellation). keep: set by negating a
 * cancel or reschedule cue ("don't cancel"), never listed. neutral: idioms that hold a negation or a
 * keyword but no intent ("never mind"). shift: later, earlier. frame: words that turn a named day or
 * time into a proposal ("instead", "how about"); a frame never holds an intent word, or it would hide
 * it from a negation ("no puedo ir"). need: negated, the appointment is not needed.
 * contact/messages/receive/again/more/stop/want/remove/list: the parts of opt-out and opt-in
 * requests ("I don't want these texts", "take me off the list"). able: "can" (negated and alone,
 * "No puedo": a cancellation). miss: negated, a confirmation ("não vou faltar"). deferral: "tomorrow",
 * "luego" (and the shift words): with a confirming verb a promise to confirm ("luego les confirmo").
 */
export type CueKind =
  | 'confirm'
  | 'attend'
  | 'cancel'
  | 'reschedule'
  | 'shift'
  | 'frame'
  | 'opt_out'
  | 'opt_in'
  | 'undecided'
  | 'neutral'
  | 'need'
  | 'contact'
  | 'messages'
  | 'receive'
  | 'again'
  | 'more'
  | 'stop'
  | 'want'
  | 'remove'
  | 'list'
  | 'able'
  | 'miss'
  | 'deferral';

type Lexicon = Record<Language, Partial<Record<CueKind, string[]>>>;

const WEEKDAY_NAMES: Record<Language, string[]> = {
  en: ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'],
  es: ['domingo', 'lunes', 'martes', 'miércoles', 'jueves', 'viernes', 'sábado'],
  fr: ['dimanche', 'lundi', 'mardi', 'mercredi', 'jeudi', 'vendredi', 'samedi'],
  de: ['sonntag', 'montag', 'dienstag', 'mittwoch', 'donnerstag', 'freitag', 'samstag'],
  pt: ['domingo', 'segunda', 'terça', 'quarta', 'quinta', 'sexta', 'sábado'],
};

/** "See you Friday" in each language: a confirmation that names the appointment's day. */
const SEE_YOU_ON: Record<Language, string> = { en: 'see you', es: 'hasta el', fr: 'à', de: 'bis', pt: 'até' };

export const LEXICON: Lexicon = {
  en: {
    confirm: [
      'yes', 'yeah', 'yep', 'yup', 'yea', 'ok', 'okay', 'okey', 'okie', 'k', 'kk', 'sure', 'of course', 'confirm*', 'i confirm', 'sounds good', 'sounds great', 'see you', 'see you then', 'see you there', 'see you later',
      'absolutely', 'definitely', 'certainly', 'will do', 'that works', 'works for me', 'fine', 'that is fine', 'all good',
      'perfect', 'great', 'cool', 'alright', 'all right', 'correct', 'count me in', 'still on', 'no problem', 'no worries',
      'not a problem', "can't wait", 'looking forward', 'got it', 'noted', 'i will be there', 'yes please',
    ],
    attend: ['come', 'coming', 'be there', 'make it', 'make my appointment', 'make the appointment', 'attend', 'attending', 'show up', 'be on time'],
    cancel: ['cancel*', 'call off', 'call it off', 'something came up'],
    reschedule: [
      'reschedul*', 'resched', 're schedule', 'rebook', 'another day', 'another time', 'another date', 'another slot',
      'another appointment', 'different day', 'different time', 'different date', 'other day', 'other time', 'new time',
      'new date', 'new appointment', 'move it', 'move my appointment', 'move the appointment', 'move me', 'push it',
      'push back', 'bring it forward', 'change the time', 'change the day', 'change the date', 'change my appointment',
      'change the appointment', 'change it', 'find another time', 'earlier slot', 'later slot', 'earlier appointment',
      'later appointment',
    ],
    shift: ['later', 'earlier', 'sooner'],
    frame: [
      'instead', 'rather', 'prefer*', 'better', 'how about', 'what about', 'works', 'possible', 'available', 'any chance',
      'slot', 'free', 'can we do', 'could we do', 'move', 'push', 'change', 'switch',
    ],
    opt_out: [
      'unsubscribe', 'opt out', 'optout', 'remove me', 'take me off', 'leave me alone', 'remove my number', 'stop texting',
      'stop messaging', 'stop sending', 'stop contacting', 'no more texts', 'no more messages', 'no more reminders',
    ],
    opt_in: ['opt in', 'opt back in', 'resubscribe', 'subscribe again', 'start sending', 'start texting', 'start again', 'unstop'],
    undecided: ['maybe', 'perhaps', 'not sure', 'unsure', "don't know", 'let you know', 'think about it', 'we will see', 'not certain'],
    neutral: ['never mind', 'nevermind', 'no rush', 'talk later'],
    need: ['need', 'needed'],
    contact: ['text*', 'messag*', 'send*', 'contact*', 'writ*'],
    messages: ['texts', 'messages', 'message', 'sms', 'reminders', 'reminder', 'notifications'],
    receive: ['receiv*', 'get'],
    again: ['again'],
    more: ['anymore', 'any more', 'more', 'longer'],
    stop: ['stop', 'quit', 'cease'],
    want: ['want', 'wish'],
    remove: ['remove', 'delete', 'take … off', 'erase'],
    list: ['list', 'number', 'contacts', 'database'],
    able: ['can', 'could'],
    miss: ['miss', 'skip'],
    deferral: ['tomorrow'],
  },
  es: {
    confirm: [
      'si', 'sí claro', 'claro', 'claro que sí', 'vale', 'ok', 'okey', 'dale', 'listo', 'de acuerdo', 'confirmo', 'confirmado',
      'confirmada', 'queda confirmado', 'perfecto', 'por supuesto', 'cuenten conmigo', 'cuente conmigo', 'nos vemos',
      'allí estaré', 'ahí estaré', 'sin problema', 'no hay problema', 'ningún problema', 'todo bien', 'sin falta',
      'excelente', 'genial', 'entendido', 'correcto', 'así es', 'hasta luego', 'no se preocupe', 'no se preocupen', 'no te preocupes',
      'confirm*',
    ],
    attend: ['ir', 'voy', 'asistir', 'asistiré', 'acudir', 'acudiré', 'estaré', 'iré', 'llegaré'],
    cancel: ['cancel*', 'anul*', 'imprevisto', 'me surgió'],
    reschedule: [
      'reprogram*', 'cambiar la cita', 'cambiar la hora', 'cambiar el día', 'cambiar de día', 'cambiar de hora', 'cambiar la fecha',
      'cambiarla', 'cambiármela', 'otro día', 'otra hora', 'otro horario', 'otra fecha', 'otro momento', 'nueva cita', 'nueva hora',
      'mover la cita', 'moverla', 'adelantar*', 'atrasar*', 'pospon*', 'aplaz*', 'pasar la cita', 'pasarla', 'cambio de cita',
    ],
    shift: ['más tarde', 'más temprano'],
    frame: [
      'en vez de', 'en lugar de', 'mejor', 'prefer*', 'prefier*', 'posible', 'puede ser', 'podría ser', 'hueco', 'disponible',
      'libre', 'me viene mejor', 'me va mejor', 'pasar*', 'dejar*', 'hay algo', 'tienen algo', 'mover', 'cambiar',
    ],
    opt_out: ['baja', 'darme de baja', 'dar de baja', 'dame de baja', 'desuscrib*'],
    undecided: ['tal vez', 'quizás', 'quizá', 'a lo mejor', 'no sé', 'no lo sé', 'les aviso', 'le aviso', 'te aviso', 'lo pienso', 'lo pensaré', 'ya veremos'],
    neutral: ['no se puede'],
    need: ['necesito', 'necesitamos'],
    contact: ['escrib*', 'envi*', 'mand*', 'contact*'],
    messages: ['mensajes', 'mensaje', 'sms', 'recordatorios', 'recordatorio'],
    receive: ['recib*'],
    again: ['de nuevo', 'otra vez', 'volver a', 'vuelvan a', 'vuelva a', 'vuelve a', 'nuevamente'],
    more: ['más'],
    stop: ['dejen de', 'deja de', 'dejar de', 'pare', 'paren'],
    want: ['quiero', 'queremos', 'deseo'],
    remove: ['borr*', 'saqu*', 'sacar*', 'quit*', 'elimin*'],
    list: ['lista', 'número', 'contactos'],
    able: ['puedo', 'podemos', 'podré', 'podría'],
    miss: ['faltar', 'faltaré', 'perder'],
    deferral: ['luego', 'después', 'mañana'],
  },
  fr: {
    confirm: [
      'oui', 'ouais', 'ok', 'okay', "d'accord", 'dac', 'je confirme', 'confirmé', 'confirmée', "c'est noté", "c'est bon",
      'ça marche', 'ça me va', 'très bien', 'parfait', 'entendu', 'bien reçu', 'pas de problème', 'aucun problème', 'aucun souci',
      'pas de souci', 'sans problème', 'sans souci', 'avec plaisir', 'à bientôt', 'à tout à l’heure', 'à plus tard', 'bien sûr',
      'volontiers', 'super', 'nickel', 'ok pour moi', "c'est parfait", 'ça me convient', 'convient', 'confirm*',
    ],
    attend: ['venir', 'viens', 'viendrai', 'serai là', 'serai présent', 'serai présente', 'être là', 'être présent', "j'y serai"],
    cancel: ['annul*', 'empêchement', 'imprévu'],
    reschedule: [
      'report*', 'décal*', 'déplac*', 'changer de jour', "changer l'heure", 'changer le rendez-vous', 'changer de date',
      "changer d'horaire", 'changer de créneau', 'autre jour', 'autre date', 'autre heure', 'autre créneau', 'autre moment',
      'autre horaire', 'nouveau rendez-vous', 'nouveau créneau', 'avancer', 'avancer le rendez-vous', 'repousser',
    ],
    shift: ['plus tard', 'plus tôt'],
    frame: [
      'au lieu de', 'plutôt', 'préfér*', 'mieux', 'possible', 'ça irait', 'ça ira', 'auriez', 'avez-vous', 'créneau',
      'disponible', 'libre', 'serait-il possible', 'remettre', 'changer',
    ],
    opt_out: ['désabonn*', 'désinscri*', 'ne plus recevoir'],
    opt_in: ['réabonn*', 'réinscri*'],
    undecided: ['peut-être', 'je ne sais pas', 'sais pas', 'je vous dirai', 'je vous tiens au courant', 'on verra', 'je réfléchis', 'pas sûr', 'pas sûre'],
    need: ['besoin'],
    contact: ['envoy*', 'écri*', 'contact*'],
    messages: ['messages', 'message', 'sms', 'rappels', 'rappel', 'textos', 'texto', 'notifications'],
    receive: ['recev*', 'reçoi*'],
    again: ['à nouveau', 'de nouveau', 'encore'],
    more: ['plus'],
    stop: ['arrêt*', 'cessez'],
    want: ['veux', 'voudrais', 'souhaite'],
    remove: ['retir*', 'supprim*', 'effac*', 'enlev*'],
    list: ['liste', 'numéro', 'fichier'],
    able: ['peux', 'pourrai', 'pourrons', 'pourrais'],
    miss: ['manquer', 'manquerai', 'rater', 'raterai'],
    deferral: ['demain', 'ensuite'],
  },
  de: {
    confirm: [
      'ja', 'jo', 'jep', 'jawohl', 'ja klar', 'klar', 'alles klar', 'ok', 'okay', 'bestätig*', 'geht klar', 'passt', 'passt mir',
      'passt gut', 'kein problem', 'kein thema', 'keine sorge', 'gerne', 'gern', 'bis dann', 'bis bald', 'bis später',
      'selbstverständlich', 'natürlich', 'sicher', 'in ordnung', 'super', 'perfekt', 'prima', 'gut', 'sehr gut', 'wird gemacht',
      'einverstanden', 'genau', 'bestätige hiermit',
    ],
    attend: ['komme', 'kommen', 'bin da', 'bin dabei', 'bin dann da', 'da sein', 'erscheinen', 'wahrnehmen', 'schaffe', 'schaffen'],
    cancel: ['absag*', 'sage … ab', 'storn*', 'streichen', 'dazwischengekommen'],
    reschedule: [
      'verschieb*', 'verleg*', 'umleg*', 'neuen termin', 'anderen termin', 'anderer termin', 'andere uhrzeit', 'anderen tag',
      'andere zeit', 'anderes datum', 'früheren termin', 'späteren termin', 'termin ändern', 'umbuchen',
    ],
    shift: ['später', 'früher'],
    frame: [
      'statt', 'stattdessen', 'anstatt', 'lieber', 'besser', 'geht es', 'geht das', 'geht auch', 'ginge', 'möglich', 'wäre',
      'hätten sie', 'frei', 'legen', 'ändern',
    ],
    opt_out: ['abmeld*', 'austrag*', 'keine sms mehr', 'keine nachrichten mehr', 'hören sie auf'],
    undecided: ['vielleicht', 'eventuell', 'weiß nicht', 'weiß ich nicht', 'weiß ich noch nicht', 'ich melde mich', 'mal sehen', 'mal schauen', 'nicht sicher'],
    need: ['brauche', 'brauchen'],
    contact: ['schreib*', 'schick*', 'send*', 'kontaktier*'],
    messages: ['sms', 'nachrichten', 'nachricht', 'erinnerungen', 'erinnerung', 'mitteilungen'],
    receive: ['erhalt*', 'bekomm*'],
    again: ['wieder', 'erneut'],
    more: ['mehr'],
    stop: ['stopp', 'aufhören', 'hört auf', 'hör auf', 'hört … auf'],
    want: ['will', 'möchte', 'möchten', 'wollen'],
    remove: ['lösch*', 'entfern*', 'austrag*'],
    list: ['liste', 'nummer', 'verteiler'],
    able: ['kann', 'können', 'könnte'],
    miss: ['verpassen', 'versäumen', 'fehlen'],
    deferral: ['morgen'],
  },
  pt: {
    confirm: [
      'sim', 'ok', 'tá bom', 'está bem', 'tudo bem', 'tudo certo', 'confirmo', 'confirmado', 'confirmada', 'pode confirmar',
      'combinado', 'claro', 'certo', 'com certeza', 'beleza', 'blz', 'perfeito', 'fechado', 'sem problema', 'sem problemas',
      'não se preocupe', 'pode contar comigo', 'conte comigo', 'até lá', 'até logo', 'até mais', 'ótimo', 'de acordo', 'positivo',
      'confirm*', 'tá certo', 'pode deixar',
    ],
    attend: ['vou', 'eu vou', 'ir', 'estarei', 'estarei lá', 'estarei aí', 'estarei presente', 'comparecer', 'comparecerei'],
    cancel: ['cancel*', 'desmarc*', 'desist*', 'imprevisto'],
    reschedule: [
      'remarc*', 'reagend*', 'mudar o horário', 'mudar o dia', 'mudar a data', 'mudar para', 'mudar a consulta', 'outro dia',
      'outro horário', 'outra data', 'outra hora', 'outro momento', 'nova data', 'novo horário', 'antecip*', 'adiar', 'adia',
      'passar para', 'trocar o horário', 'trocar o dia', 'trocar a data',
    ],
    shift: ['mais tarde', 'mais cedo'],
    frame: [
      'em vez de', 'ao invés de', 'melhor', 'prefir*', 'prefer*', 'possível', 'pode ser', 'dá para', 'daria', 'teria',
      'tem horário', 'vaga', 'disponível', 'livre', 'deixar para', 'deixar', 'mudar', 'trocar', 'passar',
    ],
    opt_out: ['descadastr*'],
    undecided: ['talvez', 'não sei', 'ainda não sei', 'vou ver', 'aviso depois', 'te aviso', 'vou pensar'],
    need: ['preciso', 'precisamos'],
    contact: ['mand*', 'envi*', 'escrev*', 'contat*'],
    messages: ['mensagens', 'mensagem', 'sms', 'lembretes', 'lembrete', 'notificações'],
    receive: ['receb*'],
    again: ['de novo', 'novamente', 'voltar a', 'voltem a', 'volta a'],
    more: ['mais'],
    stop: ['parem', 'pare', 'parar'],
    want: ['quero', 'queremos', 'desejo'],
    remove: ['tir*', 'retir*', 'remov*', 'exclu*', 'apag*'],
    list: ['lista', 'número', 'contatos', 'cadastro'],
    able: ['posso', 'podemos', 'poderei', 'poderia'],
    miss: ['faltar', 'faltarei', 'perder'],
    deferral: ['depois', 'amanhã'],
  },
};

// "See you Friday", "à vendredi", "bis Freitag", "até sexta", "hasta el viernes".
for (const language of Object.keys(SEE_YOU_ON) as Language[]) {
  LEXICON[language].confirm!.push(...WEEKDAY_NAMES[language].map((day) => `${SEE_YOU_ON[language]} ${day}`));
}

/** Words that mean nothing for the intent in these languages, whatever they mean elsewhere (French "si" is "if"). */
export const FALSE_FRIENDS: Record<string, Language[]> = { si: ['fr'] };

/** Negations that reach the first intent word within three words after them, in their clause. */
export const NEGATIONS = [
  'not', 'never', 'no', 'não', 'nunca', 'ne', 'pas', 'jamais', 'nicht', 'kein', 'keine', 'keinen', 'nie',
  'impossible', 'imposible', 'impossível', 'unmöglich', 'unable',
];
/** Negations that also reach back to the intent word just before them ("ich komme nicht", "je viens pas"). */
export const TRAILING_NEGATIONS: Record<string, number> = { nicht: 3, pas: 1 };
/** Words a negation reaches across without counting them ("not be able to come", "no me es posible"). */
export const TRANSPARENT = [
  'be', 'able', 'to', 'going', 'really', 'actually', 'even', 'leider', 'es', 'me', 'te', 'le', 'lo', 'la', 'se', 'i', 'you',
  'it', 'the', 'my', 'a', 'de', 'mir', 'wirklich', 'vraiment', 'realmente', 'finalement', 'al', 'final',
];
/** A negation after these is a past fact, not a request ("you didn't send me the address"). */
export const PAST_AUXILIARIES = ['did', 'has', 'have', 'had', 'was'];

/** Politeness and thanks around a short answer ("No thanks", "STOP please", "ayuda por favor"). */
export const FILLERS = [
  'please', 'pls', 'plz', 'thanks', 'thank', 'you', 'thx', 'ty', 'now', 'por', 'favor', 'porfa', 'porfavor', 'gracias', 'svp',
  "s'il", 'vous', 'plaît', 'merci', 'bitte', 'danke', 'obrigado', 'obrigada', 'pf', 'pfv', 'sorry', 'lo', 'siento', 'perdón',
  'désolé', 'désolée', 'desculpe', 'desculpa', 'leider', 'entschuldigung',
];

/** Whole replies that ask to stop messages (with fillers at most), beyond the carrier keywords. */
export const STOP_REPLIES = ['stop', 'stopp', 'parar', 'pare', 'arrêt', 'arrête', 'arrêtez', 'baja', 'sair', 'unsubscribe', 'quit', 'end', 'stop it'];
/** Whole replies that ask for the help text. */
export const HELP_REPLIES = ['help', 'info', 'ayuda', 'aide', 'hilfe', 'ajuda', 'help me'];
/** A bare no, alone or first in its clause: the reminder says "NO to cancel". */
export const NO_ANSWERS = ['no', 'nope', 'nah', 'non', 'nein', 'não', 'n'];

/** The reminder's menu: a reply of one of these alone. */
export const MENU: Record<string, 'confirm' | 'cancel' | 'reschedule'> = {
  '1': 'confirm',
  '2': 'cancel',
  '3': 'reschedule',
  c: 'confirm',
  y: 'confirm',
  s: 'confirm',
  r: 'reschedule',
  n: 'cancel',
};

/** Common words, counted to tell the reply's language when its intent words do not. */
export const COMMON_WORDS: Record<Language, string[]> = {
  en: ['the', 'i', 'you', 'is', 'my', 'to', 'and', 'it', 'at', 'for', 'can', 'will', 'please', 'thanks', 'this', 'there', 'hi'],
  es: ['el', 'la', 'los', 'que', 'y', 'en', 'por', 'gracias', 'mi', 'es', 'para', 'hola', 'soy', 'estoy', 'puedo', 'usted', 'cita', 'quiero'],
  fr: ['le', 'les', 'je', 'est', 'et', 'pour', 'merci', 'vous', 'pas', 'bonjour', 'une', 'suis', 'ce', 'rendez', 'rdv', 'svp'],
  de: ['der', 'die', 'das', 'ich', 'ist', 'und', 'nicht', 'sie', 'danke', 'bitte', 'hallo', 'mir', 'ein', 'termin', 'bin', 'auf'],
  pt: ['o', 'os', 'que', 'e', 'eu', 'não', 'obrigado', 'obrigada', 'para', 'um', 'uma', 'oi', 'você', 'consulta', 'estou', 'olá', 'quero'],
};

/** Weekday names, Sunday first. */
export const WEEKDAYS = WEEKDAY_NAMES;
/** Abbreviations people type (not "sat" or "sun", which are words), Monday = 1. */
export const WEEKDAY_ABBREVIATIONS: Record<string, number> = { mon: 1, tue: 2, tues: 2, wed: 3, thu: 4, thur: 4, thurs: 4, fri: 5 };

export const MONTHS: Record<Language, string[]> = {
  en: ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'],
  es: ['enero', 'febrero', 'marzo', 'abril', 'mayo', 'junio', 'julio', 'agosto', 'septiembre', 'octubre', 'noviembre', 'diciembre'],
  fr: ['janvier', 'février', 'mars', 'avril', 'mai', 'juin', 'juillet', 'août', 'septembre', 'octobre', 'novembre', 'décembre'],
  de: ['januar', 'februar', 'märz', 'april', 'mai', 'juni', 'juli', 'august', 'september', 'oktober', 'november', 'dezember'],
  pt: ['janeiro', 'fevereiro', 'março', 'abril', 'maio', 'junho', 'julho', 'agosto', 'setembro', 'outubro', 'novembro', 'dezembro'],
};

/** Days counted from the day the reply arrived. */
export const RELATIVE_DAYS: [string, number][] = [
  ['today', 0], ['hoy', 0], ["aujourd'hui", 0], ['heute', 0], ['hoje', 0],
  ['tomorrow', 1], ['tmrw', 1], ['tmr', 1], ['mañana', 1], ['demain', 1], ['morgen', 1], ['amanhã', 1],
  ['day after tomorrow', 2], ['pasado mañana', 2], ['après-demain', 2], ['übermorgen', 2], ['depois de amanhã', 2],
];
/** Before "mañana" and "morgen" these make it "the morning", not "tomorrow". */
export const MORNING_MARKERS = ['la', 'por', 'esta', 'guten'];

export const NEXT_WEEK = [
  'next week', 'la semana que viene', 'semana que viene', 'la próxima semana', 'próxima semana', 'semaine prochaine',
  'prochaine semaine', 'nächste woche', 'nächster woche', 'kommende woche', 'semana que vem', 'na próxima semana',
];

/** Words before a day of the month ("the 12th", "el 12", "am 12.", "dia 12"). */
export const DAY_OF_MONTH_MARKERS = ['the', 'el', 'le', 'den', 'am', 'dia', 'día', 'au', 'al', 'on'];
/** Words before an hour ("at 4", "a las 5", "um 15", "às 16", "vers 14"). */
export const HOUR_MARKERS = ['at', 'las', 'la', 'um', 'às', 'vers', 'gegen', 'around', 'ab', 'à', 'a'];
/** Words after an hour that make it one ("15 Uhr", "3 pm", "16 heures"). */
export const HOUR_SUFFIXES = ['uhr', 'h', 'heures', 'heure', "o'clock", 'oclock', 'hs', 'hrs'];
/** Words after a number that make it a duration, not a time ("10 minutes early"). */
export const DURATION_WORDS = ['min', 'mins', 'minute', 'minutes', 'minutos', 'minuten', 'hour', 'hours', 'horas', 'stunde', 'stunden', 'std', 'heures'];
/** Half past: "y media", "et demie", "e meia"; German "halb vier" is 3:30. */
export const HALF_PAST = ['y media', 'et demie', 'e meia', 'and a half', 'thirty'];
export const HALF_BEFORE = ['halb'];
export const NOON = ['noon', 'midday', 'mediodía', 'midi', 'mittag', 'meio-dia', 'meio dia'];
/** "The same time": the appointment's own time. */
export const SAME_TIME = [
  'same time', 'misma hora', 'a la misma hora', 'même heure', 'la même heure', 'gleiche zeit', 'gleichen zeit', 'gleiche uhrzeit',
  'gleichen uhrzeit', 'selbe zeit', 'selben zeit', 'mesmo horário', 'mesma hora',
];
/** The day or time after these is the one being replaced, not the one proposed. */
export const INSTEAD_OF = ['instead of', 'en vez de', 'en lugar de', 'au lieu de', 'statt', 'anstatt', 'em vez de', 'ao invés de'];
/** In a clause with a day or time, these reject it ("Friday is bad for me", "me viene mal"). */
export const REJECTIONS = ['mal', 'bad', 'schlecht', 'busy', 'ocupado', 'ocupada', 'occupé', 'occupée'];
