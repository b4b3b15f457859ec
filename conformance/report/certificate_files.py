"""The file names of a run's certificate, apart from the signing code: naming them must not load joserfc."""

CERTIFICATE_FILE = "certificate.json"
PUBLIC_KEY_FILE = "certificate-public.pem"
