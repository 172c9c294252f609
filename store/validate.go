package store

import (
	"encoding/hex"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// MaxKeyLength is the longest identifier, in bytes, the store accepts for keys it indexes:
// event IDs, product identifiers, supplier keys, batch IDs. Longer values are refused as
// ErrInvalid rather than failing inside a database index.
const MaxKeyLength = 1024

// StoredTime returns t as the store keeps it: in UTC, truncated to the millisecond. Times
// read back from the store equal StoredTime of the times written.
func StoredTime(t time.Time) time.Time {
	if t.IsZero() {
		return time.Time{}
	}
	return t.UTC().Truncate(time.Millisecond)
}

// checkText refuses text a database TEXT column cannot hold faithfully: invalid UTF-8 and
// NUL bytes.
func checkText(field, v string) error {
	if !utf8.ValidString(v) {
		return invalidf("%s is not valid UTF-8", field)
	}
	if strings.IndexByte(v, 0) >= 0 {
		return invalidf("%s contains a NUL byte", field)
	}
	return nil
}

// checkKey refuses an empty, overlong or non-text identifier.
func checkKey(field, v string) error {
	if v == "" {
		return invalidf("%s is empty", field)
	}
	if len(v) > MaxKeyLength {
		return invalidf("%s is %d bytes, longer than %d", field, len(v), MaxKeyLength)
	}
	return checkText(field, v)
}

// checkTime refuses a zero time, when required, and years the store cannot keep (outside
// 1 to 9999).
func checkTime(field string, t time.Time, required bool) error {
	if t.IsZero() {
		if required {
			return invalidf("%s is zero", field)
		}
		return nil
	}
	if y := t.UTC().Year(); y < 1 || y > 9999 {
		return invalidf("%s year %d is outside 1 to 9999", field, y)
	}
	return nil
}

// checkHexKey refuses a public key that is not lower-case, even-length hex.
func checkHexKey(field, v string) error {
	if err := checkKey(field, v); err != nil {
		return err
	}
	if v != strings.ToLower(v) {
		return invalidf("%s must be lower-case hex", field)
	}
	if _, err := hex.DecodeString(v); err != nil {
		return invalidf("%s is not hex: %v", field, err)
	}
	return nil
}

// ValidateReason reports, as an error wrapping ErrInvalid, why reason cannot be a
// rejection reason: it must be non-empty UTF-8 text.
func ValidateReason(reason string) error {
	if reason == "" {
		return invalidf("reject reason is empty")
	}
	return checkText("reject reason", reason)
}

// ValidateOwner reports, as an error wrapping ErrInvalid, why owner cannot name a claim
// owner (see ClaimStore): it must be a non-empty key of at most MaxKeyLength bytes of
// UTF-8 text without NUL bytes.
func ValidateOwner(owner string) error { return checkKey("claim owner", owner) }

// ValidateLease reports, as an error wrapping ErrInvalid, why lease cannot be the length
// of a claim: the store keeps times to the millisecond, so it must be at least one.
func ValidateLease(lease time.Duration) error {
	if lease < time.Millisecond {
		return invalidf("claim lease %v is shorter than a millisecond", lease)
	}
	return nil
}

// ValidateIDs reports, as an error wrapping ErrInvalid, why ids cannot be looked up by the
// batched reads (GetBatches, GetAnchors, GetBatchMembersByEvent, GetEventsPublic): each
// must be a non-empty key of at most MaxKeyLength bytes of UTF-8 text without NUL bytes,
// as every stored ID is. field names the IDs in the error ("event ID"), with the index of
// the first one refused.
func ValidateIDs(field string, ids []string) error {
	for i, id := range ids {
		if err := checkKey(field+" "+strconv.Itoa(i), id); err != nil {
			return err
		}
	}
	return nil
}
