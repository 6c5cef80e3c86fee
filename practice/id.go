package practice

import "github.com/google/uuid"

// ID identifies every entity. New identifiers are UUIDv7: time-ordered, so
// they index well and sort by creation.
type ID = uuid.UUID

// NilID is the zero ID; it means "none" (for example, a place at the top of
// its organisation's tree has NilID as parent).
var NilID = uuid.Nil

// NewID returns a new UUIDv7. It is the default ID source of a [Service].
func NewID() ID {
	return uuid.Must(uuid.NewV7())
}
