/** README.txt of the bundle: how to check it years later with nothing but coreutils. */
export function readmeText(h: {
  court: string;
  caseNumber: string;
  caseCaption: string;
  title: string;
  hearingId: string;
  scheduledStart: string;
}): string {
  return `The record of a hearing, exported from Gavel
=============================================

Court:    ${h.court}
Case:     ${h.caseNumber} (${h.caseCaption})
Hearing:  ${h.title}, ${h.scheduledStart} (id ${h.hearingId})

Checking the bundle
-------------------
Every file below is listed with its SHA-256 and size in manifest.json, and with its SHA-256
in SHA256SUMS (the format of sha256sum). To check every file, unzip the bundle into an empty
directory and, inside it, run:

    sha256sum -c SHA256SUMS

Each line must say OK. Anyone who changes a file can recompute SHA256SUMS and manifest.json too;
what they cannot recompute is the court's signature. So also check:

1. The court's certificate. court.pem is the certificate of the key that signed this bundle.
   Compare its fingerprint with the one the court publishes (its website, or
   <Gavel's address>/.well-known/gavel/court.pem):

       openssl x509 -in court.pem -noout -subject -fingerprint -sha256

   A self-signed certificate proves only that the same key signed; one from the court's PKI
   also proves whose key it is.

2. The manifest's signature (RSA, SHA-256):

       openssl x509 -in court.pem -pubkey -noout > court.pub
       openssl dgst -sha256 -verify court.pub -signature manifest.json.sig manifest.json

   It must say "Verified OK". manifest.json lists every file above with its SHA-256, so with
   step 1 every file is bound to the court's key.

3. Each sealed transcript carries the court's PDF signature (PAdES):

       pdfsig transcript/v1.pdf

   It must say "Signature is Valid" and "Total document signed".

4. The record log. log/sth.json is the court's signed tree head at export: "signed" is the exact
   text signed, "signature" its base64 RSA-SHA256 signature:

       node -e 'const s=require("./log/sth.json");process.stdout.write(s.signed)' > sth.txt
       node -e 'const s=require("./log/sth.json");process.stdout.write(Buffer.from(s.signature,"base64"))' > sth.sig
       openssl dgst -sha256 -verify court.pub -signature sth.sig sth.txt

   log/inclusion.json proves each sealed file (the transcripts, exhibits, this manifest and the
   audit head) is a leaf of that tree: leaf hash = SHA-256(0x00 || entry), the audit path as in
   RFC 9162 section 2.1.3. Anyone who kept an earlier tree head can ask the court's
   /api/log/consistency for proof that the log only grew since.

All of this at once, with nothing but Node 22.18 or later (no database, no network), from a
copy of Gavel's source:

    npm run cli -- verify-bundle record.zip --court-cert court-published.pem
    (or: node api/src/verify/verify-bundle.ts record.zip)

It prints one line per check and exits with 1 naming each check that failed.

What is inside
--------------
transcript/vN.pdf            each sealed version of the transcript; its SHA-256 is the pdfSha256
                             of that version in transcript/seals.json and is stamped on its pages
transcript/vN.record.json    the canonical record that version's seal (sha256) was computed over
transcript/seals.json        the sealed versions: hashes, pages, who sealed them and when
transcript/signatures.json   the parties' signatures and objections, per sealed version
audit.jsonl                  the hearing's audit trail, one event per line, in order
audit-verification.json      the result of recomputing that trail's hash chain at export
participants.csv             everyone invited, their role, whom they represent, when they joined
recordings.json              the recordings' manifest; files under recordings/ when included
exhibits.json                the exhibits: label, title, ruling, who submitted them, the SHA-256
                             recorded at upload (compare with the file's)
exhibits/                    each exhibit as uploaded (LABEL-original) and its stamped copy
chat.jsonl                   the hearing's chat, one message per line
manifest.json                the hearing header and the SHA-256 and size of every file
manifest.json.sig            the court's signature of manifest.json (RSA PKCS#1 v1.5, SHA-256)
court.pem                    the court's signing certificate
log/sth.json                 the record log's signed tree head at export
log/inclusion.json           a proof that each sealed file is in that tree

The audit chain
---------------
Each line of audit.jsonl carries prevHash and hash. hash is the SHA-256 of prevHash, a newline,
and the JSON object {stream, seq, occurredAt, actorType, actorId, action, payload} with its keys
sorted at every level and no spaces. The first event's prevHash is 64 zeros; each later event's
prevHash is the hash of the one before it. Changing, removing or reordering any event breaks
every link after it.
`;
}
