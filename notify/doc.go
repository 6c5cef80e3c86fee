// Package notify delivers the e-mails that the domain asks for through the
// outbox: it turns events into messages and sends them.
//
// It lives outside the domain packages, which never import it, and outside
// examples/, so an embedding application reuses it as it is. The pieces
// compose:
//
//   - an [InviteHandler] is the [practice.Handler] for events of kind
//     [invite.EventMail]: it asks a [MailSource] (the invite service) what
//     the mail says, renders it with a [Renderer] and sends it with a
//     [Sender];
//   - an [AgreementHandler] is the [practice.Handler] for events of kind
//     [agreement.EventExpiring]: it asks an [ExpirySource] (the agreement
//     service) what the reminder that an agreement ends soon says, and
//     renders and sends it to one of the institution's practice
//     administrators the same way;
//   - a [Renderer] makes a [Message] from an [invite.Mail], in Norwegian
//     bokmål or English, and from an [agreement.ExpiryMail], in bokmål with
//     an English version below it (an institution's staff have no language
//     of their own), from templates embedded in the package;
//   - [SMTP] is a [Sender] over an SMTP server, with a small pool of
//     connections; [Mailbox] is a [Sender] for development that writes
//     each message as an .eml file into a directory.
//
// # Duplicates
//
// The outbox delivers an event at least once: a crash between sending a
// mail and recording the delivery sends it again. Every message therefore
// carries the delivery's ID as its Message-ID, the same on every attempt,
// so that a receiver can drop the duplicate; the [Mailbox] overwrites it.
//
// # Secrets
//
// A mail about an invitation carries a link with a secret token, and every
// mail a person's name and address. Nothing in this package logs a message,
// and no error it returns quotes a message's body, link or an event's
// payload.
package notify
