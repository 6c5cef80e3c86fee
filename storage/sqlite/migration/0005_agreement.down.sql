-- 0005_agreement, undone: drops the documents' bytes, the documents and
-- the agreements with their places and terms.

DROP TABLE praksis_blob;
DROP TABLE praksis_agreement_document;
DROP TABLE praksis_agreement_term;
DROP TABLE praksis_agreement_place;
DROP TABLE praksis_agreement;
