package practice

import (
	"bytes"
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"sync"
	"time"
)

// ID identifies every entity: a UUID (RFC 9562). New identifiers are
// UUIDv7, time-ordered, so they index well and sort by creation. The text
// form is the canonical lower-case 8-4-4-4-12 hexadecimal.
type ID [16]byte

// NilID is the zero ID; it means "none" (for example, a place at the top of
// its organisation's tree has NilID as parent).
var NilID ID

var idClock struct {
	sync.Mutex
	last int64 // the last (unix milliseconds << 12 | sub-millisecond fraction) used
}

// NewID returns a new UUIDv7. IDs made by one process are strictly
// increasing: the 12 bits after the millisecond timestamp hold the
// sub-millisecond time (RFC 9562, method 3), bumped by one when the clock
// has not moved on. It is the default ID source of a [Service].
func NewID() ID {
	now := time.Now()
	stamp := now.UnixMilli()<<12 | int64(now.Nanosecond()%1e6)*4096/1e6
	idClock.Lock()
	if stamp <= idClock.last {
		stamp = idClock.last + 1
	}
	idClock.last = stamp
	idClock.Unlock()

	var id ID
	if _, err := rand.Read(id[8:]); err != nil {
		panic("practice: no randomness for a new ID: " + err.Error())
	}
	ms := uint64(stamp >> 12)
	binary.BigEndian.PutUint64(id[:8], ms<<16)
	id[6] = 0x70 | byte(stamp>>8&0x0f) // version 7 and the fraction's high bits
	id[7] = byte(stamp)
	id[8] = id[8]&0x3f | 0x80 // the RFC 9562 variant
	return id
}

// errIDSyntax is the error of ParseID and UnmarshalText.
var errIDSyntax = errors.New("an ID must be a UUID such as 0190f5a2-7b3c-7d4e-8f5a-1b2c3d4e5f60")

// ParseID parses the text form of an ID (upper or lower case).
func ParseID(s string) (ID, error) {
	var id ID
	if len(s) != 36 || s[8] != '-' || s[13] != '-' || s[18] != '-' || s[23] != '-' {
		return NilID, errIDSyntax
	}
	hexDigits := s[0:8] + s[9:13] + s[14:18] + s[19:23] + s[24:36]
	if _, err := hex.Decode(id[:], []byte(hexDigits)); err != nil {
		return NilID, errIDSyntax
	}
	return id, nil
}

// Compare returns -1, 0 or +1 as id sorts before, with or after other: by
// their bytes, as databases order UUIDs.
func (id ID) Compare(other ID) int { return bytes.Compare(id[:], other[:]) }

// IsZero reports whether id is NilID.
func (id ID) IsZero() bool { return id == NilID }

// String returns the canonical text form of id.
func (id ID) String() string {
	b, _ := id.MarshalText()
	return string(b)
}

// MarshalText returns the canonical text form of id.
func (id ID) MarshalText() ([]byte, error) {
	var b [36]byte
	hex.Encode(b[0:8], id[0:4])
	b[8] = '-'
	hex.Encode(b[9:13], id[4:6])
	b[13] = '-'
	hex.Encode(b[14:18], id[6:8])
	b[18] = '-'
	hex.Encode(b[19:23], id[8:10])
	b[23] = '-'
	hex.Encode(b[24:], id[10:])
	return b[:], nil
}

// UnmarshalText parses the text form of an ID.
func (id *ID) UnmarshalText(b []byte) error {
	v, err := ParseID(string(b))
	if err != nil {
		return err
	}
	*id = v
	return nil
}
