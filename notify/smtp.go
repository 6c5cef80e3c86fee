package notify

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/mail"
	"strconv"
	"strings"
	"sync"
	"time"

	gomail "github.com/wneessen/go-mail"
	"github.com/wneessen/go-mail/smtp"

	"github.com/praksis/praksis/practice"
)

// TLSPolicy is how an [SMTP] sender protects its connections. The mails
// carry links with secret tokens, so the default insists on TLS.
type TLSPolicy string

// The TLS policies.
const (
	// TLSMandatory starts in plain text and must switch to TLS with
	// STARTTLS (RFC 3207), or sends nothing. The default.
	TLSMandatory TLSPolicy = "starttls"
	// TLSOpportunistic switches to TLS with STARTTLS if the server offers
	// it, and sends in plain text if not. Someone in between can remove the
	// offer.
	TLSOpportunistic TLSPolicy = "opportunistic"
	// TLSImplicit speaks TLS from the first byte (RFC 8314, port 465).
	TLSImplicit TLSPolicy = "implicit"
	// TLSNone sends in plain text: only for a server on the same host, or
	// a test server.
	TLSNone TLSPolicy = "none"
)

// SMTPConfig configures an [SMTP] sender. The zero value of each optional
// field means its default.
type SMTPConfig struct {
	// Host is the SMTP server's host name. Required.
	Host string
	// Port is the server's port (default 587, or 465 with TLSImplicit).
	Port int
	// Username and Password, if Username is not empty, log in (SMTP AUTH)
	// with the strongest mechanism both sides know; a mechanism that sends
	// the password itself (PLAIN, LOGIN) is used only over TLS.
	Username string
	Password string
	// From is the sender, an address with an optional name. Required.
	From mail.Address
	// TLS is the TLS policy (default TLSMandatory).
	TLS TLSPolicy
	// Timeout bounds connecting and each command (default 15 seconds).
	Timeout time.Duration
	// MessageIDDomain is the domain of the Message-IDs (default: the
	// domain of From).
	MessageIDDomain string
	// HELO is the name this host gives in its greeting (default: the
	// machine's host name).
	HELO string
	// IdleConns is how many connections are kept open between messages
	// (default 4). More messages at once than that each open a connection,
	// closed after use.
	IdleConns int
}

// SMTP is a [Sender] that sends through an SMTP server. It keeps a few
// connections open for the next messages, and replaces one that fails. It
// is safe for concurrent use; Close closes its connections.
//
// Each message is multipart/alternative (text and HTML) in UTF-8, with the
// headers Message-ID (see [Message.ID]), Date, From and To.
type SMTP struct {
	client *gomail.Client // the configuration; it holds no connection
	from   *mail.Address
	domain string
	addr   string

	idle   chan *smtp.Client
	mu     sync.Mutex // guards closed, and sends to idle
	closed bool
}

// ErrClosed is returned by Send after Close.
var ErrClosed = errors.New("notify: the sender is closed")

// NewSMTP returns a sender with configuration c. A configuration that is
// not valid is a *practice.ValidationError naming the fields. It connects
// to nothing until the first Send.
func NewSMTP(c SMTPConfig) (*SMTP, error) {
	var v practice.ValidationError
	c.Host = strings.TrimSpace(c.Host)
	if c.Host == "" {
		v.Add("host", "required", "the SMTP server's host name is required")
	}
	if c.Port < 0 || c.Port > 65535 {
		v.Add("port", "range", "the port must be from 1 to 65535, or 0 for the default")
	}
	from, err := parseFrom(c.From)
	if err != nil {
		v.Add("from", "email", "the sender "+err.Error())
	}
	var domain string
	if from != nil {
		if domain, err = idDomain(c.MessageIDDomain, from); err != nil {
			v.Add("messageIdDomain", "domain", "the Message-ID domain "+err.Error())
		}
	}
	// No NOOP before each message: it costs a round trip, and Send
	// replaces a connection the server has ended anyway.
	opts := []gomail.Option{gomail.WithoutNoop()}
	switch c.TLS {
	case "", TLSMandatory:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	case TLSOpportunistic:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSOpportunistic))
	case TLSImplicit:
		opts = append(opts, gomail.WithSSL())
		if c.Port == 0 {
			c.Port = gomail.DefaultPortSSL
		}
	case TLSNone:
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	default:
		v.Add("tls", "oneof", "the TLS policy must be starttls, opportunistic, implicit or none")
	}
	if c.Timeout < 0 {
		v.Add("timeout", "min", "the timeout must not be negative")
	}
	if c.IdleConns < 0 {
		v.Add("idleConns", "min", "the number of idle connections must not be negative")
	}
	if c.Username == "" && c.Password != "" {
		v.Add("username", "required", "a password needs a user name")
	}
	if err := v.Err(); err != nil {
		return nil, err
	}

	if c.Port == 0 {
		c.Port = gomail.DefaultPortTLS
	}
	if c.Timeout == 0 {
		c.Timeout = gomail.DefaultTimeout
	}
	if c.IdleConns == 0 {
		c.IdleConns = 4
	}
	opts = append(opts, gomail.WithPort(c.Port), gomail.WithTimeout(c.Timeout))
	if c.HELO != "" {
		opts = append(opts, gomail.WithHELO(c.HELO))
	}
	if c.Username != "" {
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthAutoDiscover),
			gomail.WithUsername(c.Username), gomail.WithPassword(c.Password))
	}
	client, err := gomail.NewClient(c.Host, opts...)
	if err != nil {
		return nil, fmt.Errorf("notify: smtp: %w", err)
	}
	return &SMTP{
		client: client,
		from:   from,
		domain: domain,
		addr:   net.JoinHostPort(c.Host, strconv.Itoa(c.Port)),
		idle:   make(chan *smtp.Client, c.IdleConns),
	}, nil
}

// Send sends m. It implements [Sender].
//
// A connection kept open that turns out to be dead before anything was
// sent on it (the server ended it) is replaced by a new one, once. ctx ends the attempt, closing its
// connection.
func (s *SMTP) Send(ctx context.Context, m Message) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	msg, err := compose(m, s.from, s.domain, time.Now())
	if err != nil {
		return err
	}
	for retry := true; ; retry = false {
		c, reused, err := s.conn(ctx, !retry)
		if err != nil {
			return fmt.Errorf("notify: smtp: message %s: connecting to %s: %w", m.ID, s.addr, err)
		}
		stop := context.AfterFunc(ctx, func() { _ = c.Close() })
		err = s.client.SendWithSMTPClient(c, msg)
		if stop() && err == nil {
			s.release(c)
			return nil
		}
		_ = c.Close()
		if err == nil { // sent, but ctx ended at the same time
			return nil
		}
		if ctx.Err() != nil {
			return fmt.Errorf("notify: smtp: message %s: %w: %w", m.ID, ctx.Err(), err)
		}
		if !(reused && retry && notSent(err)) {
			return fmt.Errorf("notify: smtp: message %s: %w", m.ID, err)
		}
	}
}

// notSent reports whether err failed a message before its content left:
// on a connection kept open, the sign of a server that closed it.
func notSent(err error) bool {
	var se *gomail.SendError
	return errors.As(err, &se) && (se.Reason == gomail.ErrConnCheck || se.Reason == gomail.ErrSMTPMailFrom)
}

// conn returns an open connection, and whether it was kept from before;
// a new one if fresh.
func (s *SMTP) conn(ctx context.Context, fresh bool) (*smtp.Client, bool, error) {
	if !fresh {
		select {
		case c := <-s.idle:
			return c, true, nil
		default:
		}
	}
	s.mu.Lock()
	closed := s.closed
	s.mu.Unlock()
	if closed {
		return nil, false, ErrClosed
	}
	c, err := s.client.DialToSMTPClientWithContext(ctx)
	return c, false, err
}

// release keeps c open for the next message, or closes it if enough are.
func (s *SMTP) release(c *smtp.Client) {
	s.mu.Lock()
	if !s.closed {
		select {
		case s.idle <- c:
			s.mu.Unlock()
			return
		default:
		}
	}
	s.mu.Unlock()
	_ = s.client.CloseWithSMTPClient(c)
}

// Close closes the connections kept open, and those in use once their
// message is sent. Send returns ErrClosed afterwards.
func (s *SMTP) Close() error {
	s.mu.Lock()
	s.closed = true
	s.mu.Unlock()
	var errs []error
	for {
		select {
		case c := <-s.idle:
			if err := s.client.CloseWithSMTPClient(c); err != nil {
				errs = append(errs, err)
			}
		default:
			return errors.Join(errs...)
		}
	}
}
