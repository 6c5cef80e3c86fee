// Command server is the praksis reference server: the practice kernel
// behind a JSON API, on SQLite by default or PostgreSQL, with demo data and
// an OpenID Connect login as with ID-porten.
//
// Run it with
//
//	go run ./examples/server -dev-login
//
// and see -h for every setting; each flag takes its default from an
// environment variable (PRAKSIS_ADDR, PRAKSIS_SQLITE_PATH,
// PRAKSIS_POSTGRES_URL, PRAKSIS_DEMO, PRAKSIS_DEV_LOGIN, PRAKSIS_OIDC_*,
// PRAKSIS_LOGIN_KEY, PRAKSIS_INVITE_KEY, PRAKSIS_SMTP_*, PRAKSIS_PUBLIC_URL,
// PRAKSIS_LOG_LEVEL, PRAKSIS_LOG_FORMAT, ...). The API
// is described by the OpenAPI document it serves at /openapi.json, and in
// package httpapi.
//
// The development login logs anyone in as anyone, so the server refuses it
// together with OpenID Connect, and on an address that is not loopback
// unless -unsafe-dev-login-on-public-address
// (PRAKSIS_UNSAFE_DEV_LOGIN_ON_PUBLIC_ADDRESS) says so. Several instances
// behind one address share the OpenID Connect login key: set -login-key
// (PRAKSIS_LOGIN_KEY) to the same base64 of 32 random bytes on each.
//
// E-mail (invitations and their reminders) leaves through the store's
// outbox, to the SMTP server of -smtp-host, or without one into the
// development mailbox, a directory of .eml files beside the SQLite file.
// With PostgreSQL, give every instance the same -invite-key
// (PRAKSIS_INVITE_KEY).
//
// This file only wires: configuration, store, migrations, demo data,
// services, outbox, HTTP. [Main] is reused by the end-to-end tests.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net"
	"net/http"
	"net/mail"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/praksis/praksis/agreement"
	"github.com/praksis/praksis/examples/demo"
	"github.com/praksis/praksis/examples/server/httpapi"
	"github.com/praksis/praksis/invite"
	"github.com/praksis/praksis/notify"
	"github.com/praksis/praksis/practice"
	"github.com/praksis/praksis/storage/postgres"
	"github.com/praksis/praksis/storage/sqlite"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	cfg, err := ParseConfig(os.Args[1:], os.Getenv, os.Stderr)
	if errors.Is(err, flag.ErrHelp) {
		return
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "praksis-server:", err)
		os.Exit(2)
	}
	m := NewMain(cfg, os.Stderr)
	if err := m.Run(ctx); err != nil {
		m.Logger.Error("start failed", slog.Any("error", err))
		_ = m.Close()
		os.Exit(1)
	}
	select {
	case <-ctx.Done():
		m.Logger.Info("shutting down")
	case err := <-m.Done():
		m.Logger.Error("server stopped", slog.Any("error", err))
	}
	if err := m.Close(); err != nil {
		m.Logger.Error("shutdown", slog.Any("error", err))
		os.Exit(1)
	}
}

// Main is the running server: the composition root. Create it with
// [NewMain], start it with Run and stop it with Close.
type Main struct {
	// Config is the configuration Run uses.
	Config Config
	// Logger logs start-up, requests and errors.
	Logger *slog.Logger

	closeStore func()
	// stopOutbox stops the delivery of the outbox; closeMail the mail
	// sender.
	stopOutbox func(context.Context) error
	closeMail  func() error
	// ln is the listener Run bound, until the server serves on it.
	ln   net.Listener
	http *http.Server
	url  string
	done chan error
}

// NewMain returns a Main for cfg that logs to w.
func NewMain(cfg Config, w io.Writer) *Main {
	return &Main{Config: cfg, Logger: cfg.NewLogger(w), done: make(chan error, 1)}
}

// Run binds the address, opens and migrates the store, loads the demo data
// the first time, and starts serving HTTP. It returns once the server
// listens; Close stops it. The address is bound and checked first, so a
// start refused for its address (the development login on one that is not
// loopback) touches no store. On error, call Close to release what was
// opened.
func (m *Main) Run(ctx context.Context) error {
	cfg, log := m.Config, m.Logger

	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	m.ln = ln
	if err := cfg.CheckDevLoginAddress(ln.Addr()); err != nil {
		return err
	}

	m.url = "http://" + ln.Addr().String()
	publicURL := cfg.PublicURL
	if publicURL == "" {
		publicURL = m.url
	}

	store, kind, err := m.openStore(ctx)
	if err != nil {
		return err
	}
	svc := practice.NewService(store)
	key, err := cfg.LoadInviteKey()
	if err != nil {
		return err
	}
	invites, err := invite.NewService(store, key)
	if err != nil {
		return err
	}
	agreements, err := agreement.NewService(store)
	if err != nil {
		return err
	}

	if cfg.Demo {
		var loaded bool
		// One transaction: a failed load leaves nothing behind.
		err := store.InTx(ctx, func(ctx context.Context) error {
			var err error
			if loaded, err = demo.Load(ctx, svc); err != nil || !loaded {
				return err
			}
			if err := demo.LoadInvitations(ctx, svc, store, key, time.Now()); err != nil {
				return err
			}
			return demo.LoadAgreements(ctx, svc, store, time.Now())
		})
		if err != nil {
			return fmt.Errorf("load demo data: %w", err)
		}
		log.Info("demo data", slog.Bool("loaded", loaded))
	}

	var oidcCfg *httpapi.OIDCConfig
	if cfg.OIDCIssuer != "" {
		oidcCfg = &httpapi.OIDCConfig{
			IssuerURL: cfg.OIDCIssuer, ClientID: cfg.OIDCClientID, ClientSecret: cfg.OIDCClientSecret,
			RedirectURL: cfg.OIDCRedirectURL, AcceptedACR: cfg.OIDCACRValues,
		}
	}
	if err := m.startOutbox(ctx, store, invites, agreements, publicURL); err != nil {
		return err
	}

	api, err := httpapi.New(ctx, httpapi.Config{
		Service: svc, Invites: invites, Agreements: agreements, Logger: log, SecureCookies: cfg.SecureCookies, SessionTTL: cfg.SessionTTL,
		DevLogin: cfg.DevLogin, OIDC: oidcCfg, LoginKey: cfg.LoginKey,
	})
	if err != nil {
		return err
	}

	srv := &http.Server{
		Handler:           api,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	m.http, m.ln = srv, nil // Shutdown closes the listener now
	go func() {
		if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
			m.done <- err
		}
	}()

	log.Info("praksis is running", slog.String("url", m.url), slog.String("store", kind),
		slog.String("try", "curl "+m.url+"/api/organisations"), slog.String("openapi", m.url+"/openapi.json"))
	if cfg.DevLogin && cfg.UnsafeDevLoginOnPublicAddress {
		log.Warn("UNSAFE: -unsafe-dev-login-on-public-address is set: the development login may run on an address other "+
			"machines can reach, and ANYONE WHO REACHES "+m.url+" CAN LOG IN AS ANYONE; never do this where real data is",
			slog.String("addr", ln.Addr().String()))
	}
	if cfg.DevLogin {
		log.Warn("development login is ON: anyone can log in as anyone; never use it with real data",
			slog.String("try", fmt.Sprintf(`curl -X POST %s/auth/dev-login -H 'Content-Type: application/json' -d '{"email":"%s"}'`,
				m.url, demo.StudySiteAdmin.Email)))
	} else {
		log.Info("development login is off; enable it with -dev-login or PRAKSIS_DEV_LOGIN=true")
	}
	if oidcCfg != nil {
		log.Info("OpenID Connect login", slog.String("url", m.url+"/auth/login"), slog.String("issuer", cfg.OIDCIssuer))
	}
	return nil
}

// store is what the server needs of a store: the kernel's, the
// invitations' and the agreements' areas, and the outbox.
type store interface {
	invite.Store
	agreement.Store
	practice.Deliverer
}

// sweepEvery is how often the outbox sweeps for invitations whose reminder
// or expiry a lost event missed; agreementSweepEvery how often it looks
// for agreements about to end whose institution was not yet reminded.
const (
	sweepEvery          = 15 * time.Minute
	agreementSweepEvery = time.Hour
)

// startOutbox starts delivering the store's events: the invitations'
// reminders and expiries, the reminders of agreements about to end, and
// their mails, through SMTP if configured and else into the development
// mailbox.
func (m *Main) startOutbox(ctx context.Context, s store, invites *invite.Service, agreements *agreement.Service, publicURL string) error {
	cfg, log := m.Config, m.Logger
	from, err := mail.ParseAddress(cfg.MailFrom)
	if err != nil {
		return fmt.Errorf("mail sender %q: not an address such as Praksis <praksis@example.no>", cfg.MailFrom)
	}
	var sender notify.Sender
	if cfg.SMTPHost != "" {
		tls := map[string]notify.TLSPolicy{"mandatory": notify.TLSMandatory, "implicit": notify.TLSImplicit,
			"opportunistic": notify.TLSOpportunistic, "none": notify.TLSNone}
		smtp, err := notify.NewSMTP(notify.SMTPConfig{Host: cfg.SMTPHost, Port: cfg.SMTPPort, Username: cfg.SMTPUsername,
			Password: cfg.SMTPPassword, From: *from, TLS: tls[cfg.SMTPTLS]})
		if err != nil {
			return fmt.Errorf("smtp: %w", err)
		}
		sender, m.closeMail = smtp, smtp.Close
		log.Info("e-mail goes through SMTP", slog.String("host", cfg.SMTPHost), slog.Int("port", cfg.SMTPPort))
	} else {
		box, err := notify.OpenMailbox(cfg.MailboxDir, *from)
		if err != nil {
			return fmt.Errorf("mailbox: %w", err)
		}
		sender = box
		if cfg.OIDCIssuer != "" {
			log.Warn("no SMTP server is set: e-mails land as files in the development mailbox, and nobody receives them; "+
				"set -smtp-host where real users log in", slog.String("dir", cfg.MailboxDir))
		} else {
			log.Info("no SMTP server is set: e-mails land as files in the development mailbox", slog.String("dir", cfg.MailboxDir))
		}
	}
	renderer, err := notify.NewRenderer(notify.RenderConfig{AcceptURL: strings.TrimSuffix(publicURL, "/") + "/auth/invitation"})
	if err != nil {
		return err
	}
	handlers := invites.Handlers()
	handlers[invite.EventMail] = &notify.InviteHandler{Mails: invites, Renderer: renderer, Sender: sender}
	maps.Copy(handlers, agreements.Handlers())
	handlers[agreement.EventExpiring] = &notify.AgreementHandler{Mails: agreements, Renderer: renderer, Sender: sender}
	stop, err := s.Deliver(ctx, logFailures(handlers, log), practice.DeliveryOptions{Periodic: []practice.Periodic{
		invite.SweepEvery(sweepEvery), agreement.SweepEvery(agreementSweepEvery)}})
	if err != nil {
		return fmt.Errorf("start the outbox: %w", err)
	}
	m.stopOutbox = stop
	// The periodic sweeps come first after their interval: sweep once now,
	// so that what fell due while the server was down goes out at start.
	err = s.InTx(ctx, func(ctx context.Context) error {
		return s.Publish(ctx, practice.Event{Kind: invite.EventSweep}, practice.Event{Kind: agreement.EventSweep})
	})
	if err != nil {
		return fmt.Errorf("sweep at start: %w", err)
	}
	return nil
}

// logFailures logs each failed attempt of h, which the outbox tries again
// later: the event's kind and delivery ID, never its payload.
func logFailures(h practice.Handler, log *slog.Logger) practice.Handler {
	return practice.HandlerFunc(func(ctx context.Context, d practice.Delivery) error {
		err := h.Handle(ctx, d)
		if err != nil {
			log.WarnContext(ctx, "outbox: a delivery failed and is tried again later", slog.String("kind", d.Event.Kind),
				slog.String("delivery", d.ID), slog.Int("attempt", d.Attempt), slog.String("error", practice.MaskNationalIDs(err.Error())))
		}
		return err
	})
}

// openStore opens PostgreSQL if configured, else SQLite, and migrates it.
func (m *Main) openStore(ctx context.Context) (store, string, error) {
	if m.Config.PostgresURL != "" {
		s, err := postgres.Open(ctx, m.Config.PostgresURL)
		if err != nil {
			return nil, "", fmt.Errorf("open postgres: %w", err)
		}
		m.closeStore = s.Close
		if err := s.Migrate(ctx); err != nil {
			return nil, "", fmt.Errorf("migrate postgres: %w", err)
		}
		return s, "postgres", nil
	}
	path := m.Config.SQLitePath
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, "", fmt.Errorf("create the directory of %s: %w", path, err)
	}
	s, err := sqlite.Open(ctx, path)
	if err != nil {
		return nil, "", fmt.Errorf("open sqlite %s: %w", path, err)
	}
	m.closeStore = func() {
		if err := s.Close(); err != nil {
			m.Logger.Error("close sqlite", slog.Any("error", err))
		}
	}
	if err := s.Migrate(ctx); err != nil {
		return nil, "", fmt.Errorf("migrate sqlite %s: %w", path, err)
	}
	return s, "sqlite " + path, nil
}

// URL returns the base URL the server listens on, once Run has returned.
func (m *Main) URL() string { return m.url }

// Done delivers an error if the server stops serving by itself.
func (m *Main) Done() <-chan error { return m.done }

// Close stops the server gracefully, waiting at most
// Config.ShutdownTimeout for requests under way, and closes the store.
func (m *Main) Close() error {
	var err error
	if m.http != nil {
		timeout := m.Config.ShutdownTimeout
		if timeout <= 0 {
			timeout = 15 * time.Second
		}
		ctx, cancel := context.WithTimeout(context.Background(), timeout)
		defer cancel()
		if e := m.http.Shutdown(ctx); e != nil {
			err = fmt.Errorf("shut down http: %w", e)
		}
		m.http = nil
	}
	if m.ln != nil {
		_ = m.ln.Close()
		m.ln = nil
	}
	if m.stopOutbox != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		if e := m.stopOutbox(ctx); e != nil {
			err = errors.Join(err, fmt.Errorf("stop the outbox: %w", e))
		}
		cancel()
		m.stopOutbox = nil
	}
	if m.closeMail != nil {
		if e := m.closeMail(); e != nil {
			err = errors.Join(err, fmt.Errorf("close the mail sender: %w", e))
		}
		m.closeMail = nil
	}
	if m.closeStore != nil {
		m.closeStore()
		m.closeStore = nil
	}
	return err
}
