package graphql

import "fmt"

// Error codes in extensions.code.
const (
	CodeBadUserInput          = "BAD_USER_INPUT"
	CodeBadRequest            = "BAD_REQUEST"
	CodeParseFailed           = "GRAPHQL_PARSE_FAILED"
	CodeValidationFailed      = "GRAPHQL_VALIDATION_FAILED"
	CodeTooDeep               = "QUERY_TOO_DEEP"
	CodeTooComplex            = "QUERY_TOO_COMPLEX"
	CodeTooManyAliases        = "TOO_MANY_ALIASES"
	CodeIntrospectionDisabled = "INTROSPECTION_DISABLED"
	CodeRateLimited           = "RATE_LIMITED"
	CodeTimeout               = "TIMEOUT"
	CodePayloadTooLarge       = "PAYLOAD_TOO_LARGE"
	CodeMethodNotAllowed      = "METHOD_NOT_ALLOWED"
	CodeLedgerUnavailable     = "LEDGER_UNAVAILABLE"
	CodeInternal              = "INTERNAL_SERVER_ERROR"
)

// codedError is an error that graphql-go reports with extensions.code.
type codedError struct {
	code string
	msg  string
}

func (e *codedError) Error() string { return e.msg }

// Extensions implements gqlerrors.ExtendedError.
func (e *codedError) Extensions() map[string]any { return map[string]any{"code": e.code} }

func errorf(code, format string, args ...any) error {
	return &codedError{code: code, msg: fmt.Sprintf(format, args...)}
}
