package postgres

import "github.com/praksis/praksis/practice"

// The constraints of the agreements' tables (migration 0004), added to the
// tables interpretError reads (errors.go).
func init() {
	for name, field := range map[string]string{
		"praksis_agreement_pkey":          "id",
		"praksis_agreement_document_pkey": "id",
		"praksis_blob_pkey":               "id",
	} {
		uniqueFields[name] = field
	}
	for name, msg := range map[string]string{
		"praksis_agreement_institution_id_fkey":        "the institution does not exist",
		"praksis_agreement_organisation_id_fkey":       "the organisation does not exist",
		"praksis_agreement_reviewed_by_fkey":           "the reviewing person does not exist",
		"praksis_agreement_place_agreement_id_fkey":    "the agreement does not exist",
		"praksis_agreement_place_place_id_fkey":        "the place does not exist",
		"praksis_agreement_term_agreement_id_fkey":     "the agreement does not exist",
		"praksis_agreement_document_agreement_id_fkey": "the agreement does not exist",
		"praksis_agreement_document_uploaded_by_fkey":  "the uploading person does not exist",
	} {
		missingReferences[name] = msg
	}
	invalidValues["praksis_agreement_status_check"] = func() error {
		return practice.Invalid("status", "oneof", "must be one of: draft, active, terminated")
	}
}
