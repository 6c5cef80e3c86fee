package main

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Config is the server's configuration. Every setting is a flag whose
// default comes from an environment variable, named in the flag's usage.
type Config struct {
	// Addr is the address to listen on.
	Addr string
	// SQLitePath is the SQLite database file, used unless PostgresURL is set.
	SQLitePath string
	// PostgresURL, if set, switches the store to PostgreSQL.
	PostgresURL string
	// Demo loads the demo data into an empty store.
	Demo bool
	// DevLogin enables POST /auth/dev-login. Never in production. It cannot
	// be on together with OpenID Connect, and the server refuses to start
	// with it on an address that is not loopback, unless
	// UnsafeDevLoginOnPublicAddress is set.
	DevLogin bool
	// UnsafeDevLoginOnPublicAddress lets the development login run on an
	// address other machines can reach. Anyone who reaches it can log in
	// as anyone.
	UnsafeDevLoginOnPublicAddress bool
	// SecureCookies marks cookies Secure (serve over HTTPS).
	SecureCookies bool
	// SessionTTL is how long a login lasts.
	SessionTTL time.Duration
	// OIDCIssuer, OIDCClientID, OIDCClientSecret and OIDCRedirectURL
	// configure the OpenID Connect login; it is on when OIDCIssuer is set.
	OIDCIssuer       string
	OIDCClientID     string
	OIDCClientSecret string
	OIDCRedirectURL  string
	// OIDCACRValues are the accepted login levels, the preferred first.
	OIDCACRValues []string
	// LoginKey is the AES-256 key (32 bytes) that seals the state of an
	// OpenID Connect login in the browser's login cookie. Give every
	// instance behind one address the same key; without one, each process
	// makes a random key.
	LoginKey []byte
	// InviteKey is the AES-256 key (32 bytes) that seals the secrets of
	// invitation links in the store, so that a reminder can repeat a link
	// the store keeps only hashed. Keep it out of the database, and the
	// same on every instance and across restarts. Without one, the key is
	// kept in InviteKeyFile.
	InviteKey []byte
	// InviteKeyFile holds the invitation key when InviteKey is not given;
	// it is made, with a random key, when missing.
	InviteKeyFile string
	// PublicURL is the server's address as users reach it, for the links
	// in e-mails (default: the address it listens on).
	PublicURL string
	// SMTPHost, if set, sends e-mail through that SMTP server; otherwise
	// mails land as files in MailboxDir, for development.
	SMTPHost     string
	SMTPPort     int
	SMTPUsername string
	SMTPPassword string
	// SMTPTLS is "mandatory" (STARTTLS required), "opportunistic" or
	// "none" (plain text, for a local test server only).
	SMTPTLS string
	// MailFrom is the sender of every e-mail.
	MailFrom string
	// MailboxDir is the development mailbox: a directory of .eml files.
	MailboxDir string
	// LogLevel is the lowest level logged.
	LogLevel slog.Level
	// LogFormat is "text" or "json".
	LogFormat string
	// ShutdownTimeout bounds a graceful shutdown.
	ShutdownTimeout time.Duration
}

// DefaultSQLitePath returns $XDG_DATA_HOME/praksis/praksis.db, else
// ~/.local/share/praksis/praksis.db, else ./praksis.db.
func DefaultSQLitePath(getenv func(string) string) string {
	if d := getenv("XDG_DATA_HOME"); d != "" && filepath.IsAbs(d) {
		return filepath.Join(d, "praksis", "praksis.db")
	}
	if home, err := os.UserHomeDir(); err == nil && home != "" {
		return filepath.Join(home, ".local", "share", "praksis", "praksis.db")
	}
	return "praksis.db"
}

// ParseConfig reads the configuration from command-line arguments, with
// defaults from the environment as getenv reads it. It returns
// flag.ErrHelp after printing the usage for -h.
func ParseConfig(args []string, getenv func(string) string, usage io.Writer) (Config, error) {
	fs := flag.NewFlagSet("praksis-server", flag.ContinueOnError)
	fs.SetOutput(usage)
	var (
		c         Config
		errs      []error
		acr       string
		lvl       string
		loginKey  string
		inviteKey string
	)
	str := func(p *string, name, env, def, help string) {
		if v := getenv(env); v != "" {
			def = v
		}
		fs.StringVar(p, name, def, help+" ($"+env+")")
	}
	// secret is str for a value -h must not print: the environment's value
	// applies when the flag is not given.
	var secrets []func()
	secret := func(p *string, name, env, help string) {
		fs.StringVar(p, name, "", help+" ($"+env+")")
		secrets = append(secrets, func() {
			if *p == "" {
				*p = getenv(env)
			}
		})
	}
	boolean := func(p *bool, name, env string, def bool, help string) {
		if v := getenv(env); v != "" {
			b, err := strconv.ParseBool(v)
			if err != nil {
				errs = append(errs, fmt.Errorf("$%s: %q is not a boolean (true or false)", env, v))
			}
			def = b
		}
		fs.BoolVar(p, name, def, help+" ($"+env+")")
	}
	duration := func(p *time.Duration, name, env string, def time.Duration, help string) {
		if v := getenv(env); v != "" {
			d, err := time.ParseDuration(v)
			if err != nil {
				errs = append(errs, fmt.Errorf("$%s: %q is not a duration such as 8h", env, v))
			}
			def = d
		}
		fs.DurationVar(p, name, def, help+" ($"+env+")")
	}

	str(&c.Addr, "addr", "PRAKSIS_ADDR", "127.0.0.1:8080", "address to listen on")
	str(&c.SQLitePath, "sqlite", "PRAKSIS_SQLITE_PATH", DefaultSQLitePath(getenv), "SQLite database file")
	str(&c.PostgresURL, "postgres", "PRAKSIS_POSTGRES_URL", "", "PostgreSQL URL; when set, used instead of SQLite")
	boolean(&c.Demo, "demo", "PRAKSIS_DEMO", true, "load demo data into an empty store")
	boolean(&c.DevLogin, "dev-login", "PRAKSIS_DEV_LOGIN", false,
		"enable POST /auth/dev-login, which logs anyone in as anyone: development only, on a loopback address only")
	boolean(&c.UnsafeDevLoginOnPublicAddress, "unsafe-dev-login-on-public-address", "PRAKSIS_UNSAFE_DEV_LOGIN_ON_PUBLIC_ADDRESS", false,
		"UNSAFE: allow the development login on an address that is not loopback, where anyone who reaches the server can log in as anyone")
	boolean(&c.SecureCookies, "secure-cookies", "PRAKSIS_SECURE_COOKIES", false, "mark cookies Secure (behind HTTPS)")
	duration(&c.SessionTTL, "session-ttl", "PRAKSIS_SESSION_TTL", 8*time.Hour, "how long a login lasts")
	str(&c.OIDCIssuer, "oidc-issuer", "PRAKSIS_OIDC_ISSUER", "",
		"OpenID Connect issuer URL, e.g. https://test.idporten.no; enables /auth/login")
	str(&c.OIDCClientID, "oidc-client-id", "PRAKSIS_OIDC_CLIENT_ID", "", "OpenID Connect client ID")
	secret(&c.OIDCClientSecret, "oidc-client-secret", "PRAKSIS_OIDC_CLIENT_SECRET",
		"OpenID Connect client secret (prefer the environment variable to the flag)")
	str(&c.OIDCRedirectURL, "oidc-redirect-url", "PRAKSIS_OIDC_REDIRECT_URL", "",
		"this server's callback URL as registered, e.g. http://127.0.0.1:8080/auth/callback")
	str(&acr, "oidc-acr-values", "PRAKSIS_OIDC_ACR_VALUES", "idporten-loa-high",
		"accepted login levels, comma-separated, the preferred first")
	secret(&loginKey, "login-key", "PRAKSIS_LOGIN_KEY",
		"base64 of 32 random bytes (openssl rand -base64 32) sealing the OpenID Connect login cookie; "+
			"the same on every instance behind one address; random per process when empty (prefer the environment variable to the flag)")
	secret(&inviteKey, "invite-key", "PRAKSIS_INVITE_KEY",
		"base64 of 32 random bytes sealing invitation links in the store; the same on every instance and across restarts "+
			"(prefer the environment variable to the flag); when empty, the key is kept in -invite-key-file")
	str(&c.InviteKeyFile, "invite-key-file", "PRAKSIS_INVITE_KEY_FILE", "",
		"file holding the invitation key when -invite-key is empty; made with a random key when missing (default: invite.key beside the SQLite file)")
	str(&c.PublicURL, "public-url", "PRAKSIS_PUBLIC_URL", "",
		"the server's address as users reach it, for links in e-mails (default: the address it listens on)")
	str(&c.SMTPHost, "smtp-host", "PRAKSIS_SMTP_HOST", "", "SMTP server for e-mail; when empty, mails land in -mailbox")
	port := 587
	if v := getenv("PRAKSIS_SMTP_PORT"); v != "" {
		p, err := strconv.Atoi(v)
		if err != nil {
			errs = append(errs, fmt.Errorf("$PRAKSIS_SMTP_PORT: %q is not a port number", v))
		}
		port = p
	}
	fs.IntVar(&c.SMTPPort, "smtp-port", port, "SMTP port ($PRAKSIS_SMTP_PORT)")
	str(&c.SMTPUsername, "smtp-username", "PRAKSIS_SMTP_USERNAME", "", "SMTP user name")
	secret(&c.SMTPPassword, "smtp-password", "PRAKSIS_SMTP_PASSWORD", "SMTP password (prefer the environment variable to the flag)")
	str(&c.SMTPTLS, "smtp-tls", "PRAKSIS_SMTP_TLS", "mandatory",
		"SMTP TLS: mandatory (STARTTLS), implicit (TLS from the start, port 465), opportunistic or none (a local test server only)")
	str(&c.MailFrom, "mail-from", "PRAKSIS_MAIL_FROM", "Praksis <praksis@localhost>", "sender of e-mails")
	str(&c.MailboxDir, "mailbox", "PRAKSIS_MAILBOX", "",
		"development mailbox: a directory where mails land as .eml files when no SMTP server is set (default: mailbox beside the SQLite file)")
	str(&lvl, "log-level", "PRAKSIS_LOG_LEVEL", "info", "log level: debug, info, warn or error")
	str(&c.LogFormat, "log-format", "PRAKSIS_LOG_FORMAT", "text", "log format: text or json")
	duration(&c.ShutdownTimeout, "shutdown-timeout", "PRAKSIS_SHUTDOWN_TIMEOUT", 15*time.Second,
		"how long a graceful shutdown may take")

	if err := fs.Parse(args); err != nil {
		return Config{}, err
	}
	for _, apply := range secrets {
		apply()
	}
	if c.InviteKeyFile == "" {
		if c.PostgresURL != "" && inviteKey == "" {
			errs = append(errs, errors.New("with PostgreSQL, give the invitation key (-invite-key or $PRAKSIS_INVITE_KEY, "+
				"or -invite-key-file): every instance on the database must seal and open invitation links with the same key"))
		}
		c.InviteKeyFile = filepath.Join(filepath.Dir(c.SQLitePath), "invite.key")
	}
	if c.MailboxDir == "" {
		c.MailboxDir = filepath.Join(filepath.Dir(c.SQLitePath), "mailbox")
	}
	if fs.NArg() > 0 {
		errs = append(errs, fmt.Errorf("unexpected arguments: %s", strings.Join(fs.Args(), " ")))
	}
	for _, v := range strings.Split(acr, ",") {
		if v = strings.TrimSpace(v); v != "" {
			c.OIDCACRValues = append(c.OIDCACRValues, v)
		}
	}
	if err := c.LogLevel.UnmarshalText([]byte(lvl)); err != nil {
		errs = append(errs, fmt.Errorf("log level %q: use debug, info, warn or error", lvl))
	}
	if c.LogFormat != "text" && c.LogFormat != "json" {
		errs = append(errs, fmt.Errorf("log format %q: use text or json", c.LogFormat))
	}
	if loginKey != "" {
		key, err := base64.StdEncoding.DecodeString(loginKey)
		if err != nil || len(key) != 32 {
			errs = append(errs, errors.New("the login key must be base64 of 32 bytes, such as openssl rand -base64 32 makes"))
		}
		c.LoginKey = key
	}
	if inviteKey != "" {
		key, err := base64.StdEncoding.DecodeString(inviteKey)
		if err != nil || len(key) != 32 {
			errs = append(errs, errors.New("the invitation key must be base64 of 32 bytes, such as openssl rand -base64 32 makes"))
		}
		c.InviteKey = key
	}
	if c.PublicURL != "" {
		if u, err := url.Parse(c.PublicURL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			errs = append(errs, errors.New("the public URL must be an http or https URL, such as https://praksis.example.no"))
		}
	}
	switch c.SMTPTLS {
	case "mandatory", "implicit", "opportunistic", "none":
	default:
		errs = append(errs, errors.New("SMTP TLS must be mandatory, implicit, opportunistic or none"))
	}
	if c.SMTPPort < 1 || c.SMTPPort > 65535 {
		errs = append(errs, errors.New("the SMTP port must be from 1 to 65535"))
	}
	if c.DevLogin && c.OIDCIssuer != "" {
		errs = append(errs, errors.New("the development login cannot be on together with OpenID Connect: "+
			"it would let anyone past the real login; turn one of them off"))
	}
	if c.OIDCIssuer != "" && (c.OIDCClientID == "" || c.OIDCRedirectURL == "") {
		errs = append(errs, errors.New("OpenID Connect needs a client ID and a redirect URL as well as the issuer"))
	}
	if c.SessionTTL <= 0 {
		errs = append(errs, errors.New("the session TTL must be positive"))
	}
	return c, errors.Join(errs...)
}

// NewLogger returns the logger the configuration asks for, writing to w.
func (c Config) NewLogger(w io.Writer) *slog.Logger {
	opts := &slog.HandlerOptions{Level: c.LogLevel}
	if c.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// CheckDevLoginAddress returns an error if the development login is on and
// addr, the address the server listens on, is not a loopback address,
// unless the configuration says it may be.
func (c Config) CheckDevLoginAddress(addr net.Addr) error {
	if !c.DevLogin || c.UnsafeDevLoginOnPublicAddress {
		return nil
	}
	if tcp, ok := addr.(*net.TCPAddr); ok && tcp.IP.IsLoopback() {
		return nil
	}
	return fmt.Errorf("the development login lets anyone log in as anyone, so it runs only on a loopback address, not on %s: "+
		"listen on 127.0.0.1 or [::1] (-addr), or set -unsafe-dev-login-on-public-address if you really mean it", addr)
}

// LoadInviteKey returns InviteKey, or else the key in InviteKeyFile, which
// it makes, with a new random key readable only by its owner, when the file
// is missing.
func (c Config) LoadInviteKey() ([]byte, error) {
	if c.InviteKey != nil {
		return c.InviteKey, nil
	}
	b, err := os.ReadFile(c.InviteKeyFile)
	if errors.Is(err, os.ErrNotExist) {
		key := make([]byte, 32)
		_, _ = rand.Read(key)
		if err := os.MkdirAll(filepath.Dir(c.InviteKeyFile), 0o700); err != nil {
			return nil, fmt.Errorf("invitation key: %w", err)
		}
		f, err := os.OpenFile(c.InviteKeyFile, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err != nil {
			return nil, fmt.Errorf("invitation key: %w", err)
		}
		_, err = f.WriteString(base64.StdEncoding.EncodeToString(key) + "\n")
		if err = errors.Join(err, f.Close()); err != nil {
			return nil, fmt.Errorf("invitation key: %w", err)
		}
		return key, nil
	}
	if err != nil {
		return nil, fmt.Errorf("invitation key: %w", err)
	}
	key, err := base64.StdEncoding.DecodeString(strings.TrimSpace(string(b)))
	if err != nil || len(key) != 32 {
		return nil, fmt.Errorf("invitation key: %s must hold base64 of 32 bytes", c.InviteKeyFile)
	}
	return key, nil
}
