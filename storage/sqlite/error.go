package sqlite

import (
	"database/sql"
	"errors"
	"fmt"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/praksis/praksis/practice"
)

// interpretError translates a driver error into the domain's errors; it is
// the only place that does. A missing row is practice.ErrNotFound; a taken
// primary key or unique value is practice.ErrConflict; a foreign key to a
// missing row is practice.ErrNotFound. The driver's error stays in the chain
// (its message names the constraint's columns, never a value, so a national
// identity number cannot leak through it). Other errors are wrapped as they
// are.
func interpretError(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("sqlite: %w", practice.ErrNotFound)
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() {
		case sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY, sqlite3.SQLITE_CONSTRAINT_UNIQUE:
			return fmt.Errorf("sqlite: %w: %w", practice.ErrConflict, err)
		case sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
			return fmt.Errorf("sqlite: %w: %w", practice.ErrNotFound, err)
		}
	}
	return fmt.Errorf("sqlite: %w", err)
}
