package epcis

import (
	"slices"
	"strings"
)

// A Vocabulary is one of the controlled vocabularies whose standard terms an
// EPCIS 2.0 JSON-LD document writes as bare words ("shipping"), which the
// standard JSON-LD context expands to IRIs
// ("https://ref.gs1.org/cbv/BizStep-shipping"). The terms are those of
// CBV 2.0 and of the GS1 Web Vocabulary as enumerated by the EPCIS 2.0.1
// JSON Schema (epcis/schema/epcis-json-schema.json). A Vocabulary is
// immutable.
type Vocabulary struct {
	field     string // the JSON field that takes the vocabulary, e.g. "bizStep"
	name      string // what a term is, for messages: "CBV business step"
	iriPrefix string // the IRI a bare word expands to is iriPrefix+word
	urnPrefix string // the EPCIS 1.x URN form, urnPrefix+word, or ""
	// business marks the CBV business vocabularies (bizStep, disposition,
	// business transaction, source/destination types, error reasons).
	business bool
	terms    []string
	set      map[string]struct{}
}

func newVocabulary(field, name, iriPrefix, urnPrefix string, terms ...string) *Vocabulary {
	v := &Vocabulary{field: field, name: name, iriPrefix: iriPrefix, urnPrefix: urnPrefix, business: urnPrefix != "",
		terms: terms, set: make(map[string]struct{}, len(terms))}
	for _, t := range terms {
		v.set[t] = struct{}{}
	}
	return v
}

// termIRIs maps every term of the vocabulary to the IRI the standard
// JSON-LD context expands it to.
func (v *Vocabulary) termIRIs() map[string]string {
	m := make(map[string]string, len(v.terms))
	for _, t := range v.terms {
		m[t] = v.iriPrefix + t
	}
	return m
}

// The vocabularies, built once; never modified.
var (
	bizStepVocabulary = newVocabulary("bizStep", "CBV business step",
		NamespaceCBV+"BizStep-", "urn:epcglobal:cbv:bizstep:",
		"accepting", "arriving", "assembling", "collecting", "commissioning", "consigning",
		"creating_class_instance", "cycle_counting", "decommissioning", "departing", "destroying",
		"disassembling", "dispensing", "encoding", "entering_exiting", "holding", "inspecting",
		"installing", "killing", "loading", "other", "packing", "picking", "receiving", "removing",
		"repackaging", "repairing", "replacing", "reserving", "retail_selling", "shipping",
		"staging_outbound", "stock_taking", "stocking", "storing", "transporting", "unloading",
		"unpacking", "void_shipping", "sensor_reporting", "sampling")
	dispositionVocabulary = newVocabulary("disposition", "CBV disposition",
		NamespaceCBV+"Disp-", "urn:epcglobal:cbv:disp:",
		"active", "container_closed", "damaged", "destroyed", "dispensed", "disposed", "encoded",
		"expired", "in_progress", "in_transit", "inactive", "no_pedigree_match", "non_sellable_other",
		"partially_dispensed", "recalled", "reserved", "retail_sold", "returned",
		"sellable_accessible", "sellable_not_accessible", "stolen", "unknown", "available",
		"completeness_verified", "completeness_inferred", "conformant", "container_open",
		"mismatch_instance", "mismatch_class", "mismatch_quantity", "needs_replacement",
		"non_conformant", "unavailable")
	bizTransactionTypeVocabulary = newVocabulary("type", "CBV business transaction type",
		NamespaceCBV+"BTT-", "urn:epcglobal:cbv:btt:",
		"bol", "cert", "desadv", "inv", "pedigree", "po", "poc", "prodorder", "recadv", "rma",
		"testprd", "testres", "upevt")
	sourceDestTypeVocabulary = newVocabulary("type", "CBV source/destination type",
		NamespaceCBV+"SDT-", "urn:epcglobal:cbv:sdt:",
		"owning_party", "possessing_party", "location")
	errorReasonVocabulary = newVocabulary("reason", "CBV error reason",
		NamespaceCBV+"ER-", "urn:epcglobal:cbv:er:",
		"did_not_occur", "incorrect_data")
	measurementTypeVocabulary = newVocabulary("type", "GS1 measurement type",
		NamespaceGS1, "",
		"AbsoluteHumidity", "AbsorbedDose", "AbsorbedDoseRate", "Acceleration", "Radioactivity",
		"Altitude", "AmountOfSubstance", "AmountOfSubstancePerUnitVolume", "Angle",
		"AngularAcceleration", "AngularMomentum", "AngularVelocity", "Area", "Capacitance",
		"Conductance", "Conductivity", "Count", "Density", "Dimensionless", "DoseEquivalent",
		"DoseEquivalentRate", "DynamicViscosity", "ElectricCharge", "ElectricCurrent",
		"ElectricCurrentDensity", "ElectricFieldStrength", "Energy", "Exposure", "Force",
		"Frequency", "Illuminance", "Inductance", "Irradiance", "KinematicViscosity", "Length",
		"LinearMomentum", "Luminance", "LuminousFlux", "LuminousIntensity", "MagneticFlux",
		"MagneticFluxDensity", "MagneticVectorPotential", "Mass", "MassConcentration",
		"MassFlowRate", "MassPerAreaTime", "MemoryCapacity", "MolalityOfSolute", "MolarEnergy",
		"MolarMass", "MolarVolume", "Power", "Pressure", "RadiantFlux", "RadiantIntensity",
		"RelativeHumidity", "Resistance", "Resistivity", "SolidAngle", "SpecificVolume", "Speed",
		"SurfaceDensity", "SurfaceTension", "Temperature", "Time", "Torque", "Voltage", "Volume",
		"VolumeFlowRate", "VolumeFraction", "VolumetricFlux", "Wavenumber")
	sensorAlertTypeVocabulary = newVocabulary("exception", "GS1 sensor alert type",
		NamespaceGS1, "",
		"ALARM_CONDITION", "ERROR_CONDITION")
	componentVocabulary = newVocabulary("component", "CBV sensor component",
		NamespaceCBV+"Comp-", "",
		"x", "y", "z", "axial_distance", "azimuth", "height", "spherical_radius", "polar_angle",
		"elevation_angle", "easting", "northing", "latitude", "longitude", "altitude")
)

// vocabularyRefs names the clause that defines each vocabulary.
var vocabularyRefs = map[*Vocabulary]string{
	bizStepVocabulary:            "CBV 2.0 §7.1 business steps",
	dispositionVocabulary:        "CBV 2.0 §7.2 dispositions",
	bizTransactionTypeVocabulary: "CBV 2.0 §7.3 business transaction types",
	sourceDestTypeVocabulary:     "CBV 2.0 §7.4 source/destination types",
	errorReasonVocabulary:        "CBV 2.0 §7.5 error reasons",
	measurementTypeVocabulary:    "EPCIS 2.0 §7.3.7.1.2 SensorReport type: a GS1 MeasurementType",
	sensorAlertTypeVocabulary:    "EPCIS 2.0 §7.3.7.1.2 SensorReport exception: a GS1 SensorAlertType",
	componentVocabulary:          "EPCIS 2.0 §7.3.7.1.2 SensorReport component",
}

// BizSteps returns the CBV 2.0 business step vocabulary (CBV 2.0 §7.1).
func BizSteps() *Vocabulary { return bizStepVocabulary }

// Dispositions returns the CBV 2.0 disposition vocabulary (CBV 2.0 §7.2),
// used by disposition and persistentDisposition.
func Dispositions() *Vocabulary { return dispositionVocabulary }

// BizTransactionTypes returns the CBV 2.0 business transaction type
// vocabulary (CBV 2.0 §7.3).
func BizTransactionTypes() *Vocabulary { return bizTransactionTypeVocabulary }

// SourceDestTypes returns the CBV 2.0 source/destination type vocabulary
// (CBV 2.0 §7.4).
func SourceDestTypes() *Vocabulary { return sourceDestTypeVocabulary }

// ErrorReasons returns the CBV 2.0 error reason vocabulary (CBV 2.0 §7.5).
func ErrorReasons() *Vocabulary { return errorReasonVocabulary }

// MeasurementTypes returns the GS1 measurement types a sensor report's type
// may name by a bare word.
func MeasurementTypes() *Vocabulary { return measurementTypeVocabulary }

// SensorAlertTypes returns the GS1 sensor alert types a sensor report's
// exception may name by a bare word.
func SensorAlertTypes() *Vocabulary { return sensorAlertTypeVocabulary }

// SensorComponents returns the CBV sensor component vocabulary of a sensor
// report's component.
func SensorComponents() *Vocabulary { return componentVocabulary }

// Name says what a term of the vocabulary is, e.g. "CBV business step".
func (v *Vocabulary) Name() string { return v.name }

// IRIPrefix is the prefix that a bare word is appended to when expanded.
func (v *Vocabulary) IRIPrefix() string { return v.iriPrefix }

// Has reports whether word is a standard term of the vocabulary.
func (v *Vocabulary) Has(word string) bool {
	_, ok := v.set[word]
	return ok
}

// Terms returns the standard terms, in the order the standard lists them.
func (v *Vocabulary) Terms() []string { return slices.Clone(v.terms) }

// Expand returns the canonical IRI of a vocabulary value as written in a
// document: a standard bare word becomes IRIPrefix+word, an EPCIS 1.x CBV
// URN (urn:epcglobal:cbv:bizstep:shipping) the equivalent CBV 2.0 IRI, a
// CURIE is expanded with ctx, and an absolute IRI is kept. A value that
// cannot be expanded (a non-standard bare word, a CURIE with an unknown
// prefix) is returned unchanged.
func (v *Vocabulary) Expand(value string, ctx Context) string {
	if v.Has(value) {
		return v.iriPrefix + value
	}
	if v.urnPrefix != "" && strings.HasPrefix(value, v.urnPrefix) {
		return v.iriPrefix + strings.TrimPrefix(value, v.urnPrefix)
	}
	if iri, ok := expandTerm(ctx, value); ok {
		return iri
	}
	return value
}

// Word returns the standard bare word that value denotes (as a bare word,
// a CURIE, the full IRI or the EPCIS 1.x URN), and reports whether it is
// one.
func (v *Vocabulary) Word(value string, ctx Context) (string, bool) {
	iri := v.Expand(value, ctx)
	if !strings.HasPrefix(iri, v.iriPrefix) {
		return "", false
	}
	w := strings.TrimPrefix(iri, v.iriPrefix)
	return w, v.Has(w)
}

// expandTerm expands a CURIE with ctx (including the standard context's
// prefixes) and returns absolute IRIs as they are. It reports false for
// bare words and CURIEs with an unknown prefix.
func expandTerm(ctx Context, s string) (string, bool) {
	prefix, local, ok := SplitCURIE(s)
	if !ok {
		if isAbsoluteIRI(s) {
			return s, true
		}
		return "", false
	}
	if ns, ok := ctx.Namespace(prefix); ok {
		return ns + local, true
	}
	if uriSchemes[prefix] {
		return s, true
	}
	return "", false
}

// uriSchemes are registered URI schemes that a value may use without the
// document declaring them as a prefix. Anything else before a colon is
// read as a CURIE prefix, which @context must declare.
var uriSchemes = map[string]bool{
	"urn": true, "http": true, "https": true, "tag": true, "ni": true, "did": true,
	"mailto": true, "ftp": true, "data": true, "geo": true, "file": true, "uuid": true,
}

// isAbsoluteIRI reports whether s is an absolute IRI of one of the
// registered schemes (urn:…, http(s)://…, ni:///…).
func isAbsoluteIRI(s string) bool {
	i := strings.IndexByte(s, ':')
	if i <= 0 {
		return false
	}
	scheme := strings.ToLower(s[:i])
	if uriSchemes[scheme] {
		return true
	}
	return strings.HasPrefix(s[i+1:], "//")
}
