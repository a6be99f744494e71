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

Each line must say OK. SHA256SUMS also covers manifest.json; keep the bundle's own SHA-256
(sha256sum record.zip) somewhere apart from it to prove SHA256SUMS was not rewritten.

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

The audit chain
---------------
Each line of audit.jsonl carries prevHash and hash. hash is the SHA-256 of prevHash, a newline,
and the JSON object {stream, seq, occurredAt, actorType, actorId, action, payload} with its keys
sorted at every level and no spaces. The first event's prevHash is 64 zeros; each later event's
prevHash is the hash of the one before it. Changing, removing or reordering any event breaks
every link after it.
`;
}
