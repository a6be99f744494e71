/** A signed tree head as Gavel publishes it: `signed` is the exact text the court's key signed. */
export interface SignedTreeHead {
  treeSize: number;
  rootHash: string;
  timestamp: string;
  signed: string;
  /** RSA PKCS#1 v1.5 SHA-256 over `signed` (UTF-8), base64. */
  signature: string;
  certificateSha256: string;
}

/** That one leaf is in the tree of a signed tree head. */
export interface InclusionProof {
  leafIndex: number;
  treeSize: number;
  /** The leaf's exact bytes (canonical JSON); its leaf hash is SHA-256(0x00 ‖ entry). */
  entry: string;
  proof: string[];
}
