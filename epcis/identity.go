package epcis

// HashID returns the event's CBV 2.0 event hash ID, leaving out the members
// its document asks to ignore (Document.HashIgnoredFields).
func (e *Event) HashID() (string, error) {
	if len(e.hashIgnore) > 0 {
		return NewHasher(WithIgnoredFields(e.hashIgnore...)).HashID(e.Raw, e.Context)
	}
	return HashID(e.Raw, e.Context)
}

// Identity returns the event's identity in Provenant: its eventID when the
// supplier gave one, else its CBV 2.0 event hash ID.
func (e *Event) Identity() (string, error) {
	if e.EventID != "" {
		return e.EventID, nil
	}
	return e.HashID()
}
