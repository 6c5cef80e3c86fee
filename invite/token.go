package invite

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"

	"github.com/praksis/praksis/practice"
)

// tokenBytes is the size of a link's secret: 256 bits from crypto/rand.
const tokenBytes = 32

// KeySize is the size of the key that seals links' secrets (AES-256-GCM).
const KeySize = 32

// tokens makes, hashes, seals and opens the secrets of invitation links.
type tokens struct{ aead cipher.AEAD }

func newTokens(key []byte) (tokens, error) {
	if len(key) != KeySize {
		return tokens{}, fmt.Errorf("invite: the token key must be %d bytes, not %d", KeySize, len(key))
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return tokens{}, fmt.Errorf("invite: token key: %w", err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return tokens{}, fmt.Errorf("invite: token key: %w", err)
	}
	return tokens{aead: aead}, nil
}

// newToken returns a new secret as it goes in a link, its hash and its
// sealed form for the invitation id.
func (t tokens) newToken(id practice.ID) (token string, hash, sealed []byte) {
	raw := make([]byte, tokenBytes)
	_, _ = rand.Read(raw) // crypto/rand.Read never fails
	token = base64.RawURLEncoding.EncodeToString(raw)
	nonce := make([]byte, t.aead.NonceSize())
	_, _ = rand.Read(nonce)
	sealed = t.aead.Seal(nonce, nonce, []byte(token), id[:])
	return token, hashToken(token), sealed
}

// open returns the secret sealed for the invitation id.
func (t tokens) open(id practice.ID, sealed []byte) (string, error) {
	n := t.aead.NonceSize()
	if len(sealed) < n {
		return "", errors.New("invite: a sealed token is too short")
	}
	plain, err := t.aead.Open(nil, sealed[:n], sealed[n:], id[:])
	if err != nil {
		return "", errors.New("invite: a sealed token does not open with this key")
	}
	return string(plain), nil
}

// hashToken returns the hash by which a secret is stored and found.
func hashToken(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}

// wellFormed reports whether token could be a secret this package made: it
// keeps garbage away from the store.
func wellFormed(token string) bool {
	raw, err := base64.RawURLEncoding.DecodeString(token)
	return err == nil && len(raw) == tokenBytes
}

// sameHash compares two hashes in constant time.
func sameHash(a, b []byte) bool { return subtle.ConstantTimeCompare(a, b) == 1 }
