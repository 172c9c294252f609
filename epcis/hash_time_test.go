package epcis

// canonicalHashTime is appendCanonicalHashTime to a string, for tests.
func canonicalHashTime(text string) (string, error) {
	b, err := appendCanonicalHashTime(make([]byte, 0, 24), text)
	if err != nil {
		return "", err
	}
	return string(b), nil
}
