// The message templates every new tenant starts with, in English and Spanish (SMS; WhatsApp
// falls back to the SMS text until a clinic adds WhatsApp-specific ones).
export const TEMPLATE_VARIABLES = ['name', 'clinic', 'date', 'time', 'provider', 'location', 'link'] as const;
export type TemplateVariable = (typeof TEMPLATE_VARIABLES)[number];

/** What a template's kind may be called (a policy's reminders name templates by it). */
export const TEMPLATE_KIND = /^[a-z][a-z0-9_]{0,63}$/;
export const TEMPLATE_KIND_HINT = 'must be lowercase letters, digits and _, e.g. reminder_confirm';

export interface TemplateSeed {
  kind: string;
  locale: string;
  channel: 'sms' | 'whatsapp';
  body: string;
}

const en: Record<string, string> = {
  booking_confirmation: 'Hi {{name}}, your appointment at {{clinic}} is booked for {{date}} at {{time}}.',
  reminder_confirm:
    'Hi {{name}}, a reminder of your appointment at {{clinic}} on {{date}} at {{time}}. Reply YES to confirm, NO to cancel or R to reschedule.',
  reminder_final: 'Hi {{name}}, see you today at {{time}} at {{clinic}}.',
  confirm_ack: 'Thanks {{name}}, your appointment on {{date}} at {{time}} is confirmed.',
  cancel_ack: 'Your appointment at {{clinic}} on {{date}} at {{time}} is cancelled. Call us whenever you want to book a new time.',
  cancel_question: 'Do you want to cancel your appointment at {{clinic}} on {{date}} at {{time}}? Reply YES to cancel.',
  cancelled_notice: 'Hi {{name}}, {{clinic}} has cancelled your appointment on {{date}} at {{time}}. Please call us to rebook.',
  rescheduled_notice: 'Hi {{name}}, your appointment at {{clinic}} is now on {{date}} at {{time}}.',
  reschedule_link: 'To choose a new time for your appointment at {{clinic}}, use this link: {{link}}',
  reschedule_request_ack: 'Thanks {{name}}, {{clinic}} will contact you to find a new time.',
  opt_out_ack: 'You will receive no more messages from {{clinic}}. Reply START to receive them again.',
  opt_out_cancel_ask:
    'You will receive no more messages from {{clinic}}. Your appointment on {{date}} at {{time}} is still booked: reply START then CANCEL APPOINTMENT to cancel it, or call us.',
  opt_out_cancelled:
    'Your appointment at {{clinic}} on {{date}} at {{time}} is cancelled and you will receive no more messages from us. To undo this, call us; reply START to receive messages again.',
  opt_in_ack: 'You will receive messages from {{clinic}} again. Reply STOP to opt out.',
  help: '{{clinic}}: reply YES to confirm, NO to cancel, R to reschedule, STOP to opt out.',
  holding: 'Thanks {{name}}, we have passed your message to {{clinic}}; someone will get back to you.',
  review_request: 'Thanks for visiting {{clinic}}, {{name}}. How did it go? We would love your feedback.',
  rebook: 'Hi {{name}}, we missed you at {{clinic}} today. Please call us to book a new time.',
};

const es: Record<string, string> = {
  booking_confirmation: 'Hola {{name}}, su cita en {{clinic}} está reservada para el {{date}} a las {{time}}.',
  reminder_confirm:
    'Hola {{name}}, le recordamos su cita en {{clinic}} el {{date}} a las {{time}}. Responda SI para confirmar, NO para cancelar o R para cambiarla.',
  reminder_final: 'Hola {{name}}, le esperamos hoy a las {{time}} en {{clinic}}.',
  confirm_ack: 'Gracias {{name}}, su cita del {{date}} a las {{time}} está confirmada.',
  cancel_ack: 'Su cita en {{clinic}} del {{date}} a las {{time}} ha sido cancelada. Llámenos cuando quiera reservar otra hora.',
  cancel_question: '¿Quiere cancelar su cita en {{clinic}} del {{date}} a las {{time}}? Responda SI para cancelarla.',
  cancelled_notice: 'Hola {{name}}, {{clinic}} ha cancelado su cita del {{date}} a las {{time}}. Llámenos para reservar otra.',
  rescheduled_notice: 'Hola {{name}}, su cita en {{clinic}} es ahora el {{date}} a las {{time}}.',
  reschedule_link: 'Para elegir otra hora para su cita en {{clinic}}, use este enlace: {{link}}',
  reschedule_request_ack: 'Gracias {{name}}, {{clinic}} le contactará para buscar otra hora.',
  opt_out_ack: 'No recibirá más mensajes de {{clinic}}. Responda START para volver a recibirlos.',
  opt_out_cancel_ask:
    'No recibirá más mensajes de {{clinic}}. Su cita del {{date}} a las {{time}} sigue reservada: responda START y luego CANCELAR CITA para cancelarla, o llámenos.',
  opt_out_cancelled:
    'Su cita en {{clinic}} del {{date}} a las {{time}} ha sido cancelada y no recibirá más mensajes nuestros. Para deshacerlo, llámenos; responda START para volver a recibir mensajes.',
  opt_in_ack: 'Volverá a recibir mensajes de {{clinic}}. Responda STOP para darse de baja.',
  help: '{{clinic}}: responda SI para confirmar, NO para cancelar, R para cambiar la cita, STOP para darse de baja.',
  holding: 'Gracias {{name}}, hemos pasado su mensaje a {{clinic}}; le responderán pronto.',
  review_request: 'Gracias por visitar {{clinic}}, {{name}}. ¿Qué tal fue? Nos encantaría conocer su opinión.',
  rebook: 'Hola {{name}}, le echamos de menos hoy en {{clinic}}. Llámenos para reservar otra hora.',
};

export function defaultTemplates(): TemplateSeed[] {
  const seeds: TemplateSeed[] = [];
  for (const [locale, bodies] of Object.entries({ en, es })) {
    for (const [kind, body] of Object.entries(bodies)) seeds.push({ kind, locale, channel: 'sms', body });
  }
  return seeds;
}
