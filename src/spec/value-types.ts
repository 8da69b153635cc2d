/** What a converter reads and writes: text (and BCD digits) as a string, binary as a `Uint8Array`. */
export type ScalarValue = string | Uint8Array;

/** One entry of simple TLV data, in wire order. */
export interface TlvEntry {
  /** The tag as text, e.g. `"01"`. */
  tag: string;
  /** The value: text, or bytes for a tag of kind `b` (TLV values never hold subfields). */
  value: ScalarValue;
}

/** Simple TLV data with a leading part (a layout with `leading`): the leading text, then the entries in wire order. */
export interface LeadingTlv {
  /** The fixed-length text before the first entry, e.g. a transaction category code `"R"`. */
  leading: string;
  /** The entries after it, in wire order. */
  entries: TlvEntry[];
}

/** One element of a dataset, in wire order: its binary tag as uppercase hex and its value's bytes. */
export interface DatasetElement {
  /** The tag in uppercase hex of `tagBytes` bytes, e.g. `"0A"`. */
  tag: string;
  /** The value's bytes. */
  value: Uint8Array;
}

/** One dataset of a composite data element, in wire order. */
export interface Dataset {
  /** The dataset identifier: one byte as two uppercase hex digits, e.g. `"71"`. */
  id: string;
  /** The dataset's elements, in wire order. */
  elements: DatasetElement[];
}

/** One BER-TLV data object, in wire order: primitive tags carry bytes, constructed tags their children. */
export interface BerTlv {
  /** The tag in uppercase hex, e.g. `"9F02"`. */
  tag: string;
  /** Bytes of a primitive tag, or the children of a constructed one. */
  value: Uint8Array | BerTlv[];
}

/** Track 2 split into its parts. */
export interface Track2 {
  /** Primary account number. */
  pan: string;
  /** Expiry date YYMM. */
  expiry: string;
  /** Service code (3 digits). */
  serviceCode: string;
  /** Discretionary data (the rest, may be empty). */
  discretionary: string;
}

/** Track 1 (format code B) split into its parts, as ISO/IEC 7813 lays them out between the sentinels. */
export interface Track1 {
  /** The format code: `B`, the one format of financial cards. */
  formatCode: 'B';
  /** Primary account number, 1 to 19 digits. */
  pan: string;
  /** Cardholder name, 2 to 26 characters of the track alphabet (`SURNAME/GIVEN` by convention). */
  name: string;
  /** Expiry date YYMM. */
  expiry: string;
  /** Service code (3 digits). */
  serviceCode: string;
  /** Discretionary data (the rest, may be empty). */
  discretionary: string;
}
