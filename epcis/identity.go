package epcis

// Identity returns the event's identity in Provenant: its eventID when the
// supplier gave one, else its CBV 2.0 event hash ID.
func (e *Event) Identity() (string, error) {
	if e.EventID != "" {
		return e.EventID, nil
	}
	return HashID(e.Raw, e.Context)
}
