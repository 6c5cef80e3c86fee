package main

import (
	"encoding/base64"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
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
		c        Config
		errs     []error
		acr      string
		lvl      string
		loginKey string
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
