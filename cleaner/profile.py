"""Site profiles: what repeats across the pages of each site, counted in bounded memory.

A *profile* maps ``(site, normalised line)`` and ``(site, line before, line after)`` to
the number of the site's pages that hold it, plus the number of pages of each site.  It
is learned in one streaming pass (:mod:`cleaner.learn`) and read by the
``site_boilerplate`` detector (:mod:`cleaner.detectors.site`).  The file format,
the sketch parameters and the error bounds are documented in ``docs/site-boilerplate.md``.

Counting
--------
Keys are 64-bit: the high 32 bits are a hash of the site, the low 32 bits a hash of the
normalised line (or of the two lines around a slot).  Three fixed-size numpy structures,
sized from a memory cap, hold the counts:

* a **doorkeeper** bit array that absorbs the first sighting of a key, so the millions of
  lines seen once (the articles) never reach the counters;
* a **key table**, set-associative (``WAYS`` slots a bucket) with a weighted
  Misra-Gries rule per bucket: it never *over*-counts a key, and under-counts by at most
  the weight its bucket received divided by ``WAYS + 1``;
* a **site table** with the Space-Saving rule: it never *under*-counts a site's pages.

Both errors go the safe way: a line's share of its site's pages
(``df / pages``) can only be underestimated, so an error costs recall, never an
article line.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Iterable, Mapping, Sequence
from urllib.parse import urlsplit

import numpy as np

FORMAT = "cleaner-site-profile"
VERSION = 1
MAGIC = b"CLEANER-SITE-PROFILE\n"
#: name of the one group that holds every record without a site
NO_SITE = ""
#: how lines are normalised and hashed; a profile learned under another scheme is refused
SCHEME = "lower+digits->0+punct->space+ws; blake2b-64 line, site32<<32|key32; skip-gram d=2"

WAYS = 4
#: keys added to the tables at a time (bounds the temporary arrays of an update)
SLICE = 1 << 17
_M32 = np.uint64(0xFFFFFFFF)
_BOS = 0x9E3779B97F4A7C15
_EOS = 0xC2B2AE3D27D4EB4F
_C1 = np.uint64(0xFF51AFD7ED558CCD)
_C2 = np.uint64(0xC4CEB9FE1A85EC53)
_GOLD = np.uint64(0x9E3779B97F4A7C15)
_SKIP_TAG = np.uint64(0x5BD1E9955BD1E995)
_SITE_TAG = np.uint64(0x27D4EB2F165667C5)

# ----------------------------------------------------------------------- normalising
_DIGITS = re.compile(r"\d+")
_NONWORD = re.compile(r"[\W_]+")
_LETTER = re.compile(r"[^\W\d_]")


def normalise_line(line: str) -> str:
    """The form a line is counted under: lowercase, every run of digits one ``0``, every
    run of punctuation and spaces one space.  A line without a letter gives ``""`` (it is
    not counted: page numbers, rules, lone bullets).

    >>> normalise_line("  © 2024 Example News -- All Rights Reserved. ")
    '0 example news all rights reserved'
    >>> normalise_line("Updated 4:36 p.m. ET, July 23")
    'updated 0 0 p m et july 0'
    >>> normalise_line("| 12 |")
    ''
    """
    if not line.isascii():
        line = unicodedata.normalize("NFC", line)
    s = _NONWORD.sub(" ", _DIGITS.sub("0", line.lower())).strip()
    return s if _LETTER.search(s) else ""


def line_hash(norm: str) -> int:
    """Stable 64-bit hash of a normalised line (never 0)."""
    h = int.from_bytes(hashlib.blake2b(norm.encode("utf-8", "surrogatepass"), digest_size=8).digest(), "little")
    return h or 1


def site_hash(site: str) -> int:
    """Stable 32-bit hash of a site name."""
    return int.from_bytes(hashlib.blake2b(site.encode("utf-8", "surrogatepass"), digest_size=4, person=b"site").digest(), "little")


# ------------------------------------------------------------------------- grouping
@lru_cache(maxsize=1)
def _extractor() -> Any:
    import tldextract

    # suffix_list_urls=(): use the snapshot shipped in the wheel, never the network
    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None, include_psl_private_domains=True)


@lru_cache(maxsize=1 << 16)
def registrable_domain(url: str) -> str:
    """The registrable domain of ``url`` (``news.bbc.co.uk/x`` -> ``bbc.co.uk``), offline.

    >>> registrable_domain("https://www.example.co.uk/a/b?c=1")
    'example.co.uk'
    >>> registrable_domain("foo.blogspot.com/2020/01/post.html")
    'foo.blogspot.com'
    >>> registrable_domain("not a url")
    ''
    """
    u = url.strip()
    if not u:
        return ""
    if "://" not in u:
        u = "http://" + u
    try:
        host = (urlsplit(u).hostname or "").strip(".").lower()
    except ValueError:
        return ""
    if not host or " " in host:
        return ""
    r = _extractor()(host)
    if r.suffix and r.domain:
        return f"{r.domain}.{r.suffix}"
    return host


def site_of(meta: Mapping[str, Any] | None, site_field: str | None = None) -> str:
    """The group of a record: ``meta[site_field]`` as given, or by default the registrable
    domain of ``meta['url']``; :data:`NO_SITE` when there is none."""
    if not meta:
        return NO_SITE
    if site_field:
        v = meta.get(site_field)
        return str(v) if v not in (None, "") else NO_SITE
    v = meta.get("url")
    return registrable_domain(v) if isinstance(v, str) else NO_SITE


# --------------------------------------------------------------------------- keying
def _mix(x: np.ndarray) -> np.ndarray:
    x = x ^ (x >> np.uint64(33))
    x = x * _C1
    x = x ^ (x >> np.uint64(33))
    x = x * _C2
    return x ^ (x >> np.uint64(33))


def doc_keys(site32: int, hashes: Sequence[int]) -> tuple[np.ndarray, np.ndarray]:
    """Keys of one document's counted lines: ``(line_keys, skip_keys)``, both aligned
    with ``hashes``.  ``skip_keys[i]`` stands for "the line before i, any line, the line
    after i" (page start and end count as lines): it is frequent when line i is a slot
    of the site's template whose content varies."""
    n = len(hashes)
    with np.errstate(over="ignore"):
        h = np.empty(n + 2, dtype=np.uint64)
        h[0], h[-1] = _BOS, _EOS
        if n:
            h[1:-1] = np.array(hashes, dtype=np.uint64)
        hi = np.uint64(site32) << np.uint64(32)
        line = hi | (h[1:-1] & _M32)
        skip = hi | (_mix(h[:-2] * _GOLD ^ _mix(h[2:] ^ _SKIP_TAG)) & _M32)
    return line, skip


def site_key(site32: int) -> int:
    return int(site32)


# ----------------------------------------------------------------- bounded counting
def _bucket(keys: np.ndarray, n_buckets: int) -> np.ndarray:
    with np.errstate(over="ignore"):
        return ((_mix(keys ^ _SITE_TAG) >> np.uint64(16)) % np.uint64(n_buckets)).astype(np.int64)


class Doorkeeper:
    """A one-hash bit array: ``seen(keys)`` says which keys were (probably) seen before
    and marks them all.  Cleared when half its bits are set, so its false-positive rate
    stays below one half."""

    def __init__(self, n_bits: int) -> None:
        self.n_bits = max(64, int(n_bits) // 64 * 64)
        self.bits = np.zeros(self.n_bits // 8, dtype=np.uint8)
        self.set_bits = 0
        self.resets = 0

    def seen(self, keys: np.ndarray) -> np.ndarray:
        with np.errstate(over="ignore"):
            pos = (_mix(keys * _GOLD) % np.uint64(self.n_bits)).astype(np.int64)
        byte, bit = pos >> 3, (pos & 7).astype(np.uint8)
        mask = np.left_shift(np.uint8(1), bit)
        old = (self.bits[byte] & mask) != 0
        newly = ~old
        if newly.any():
            # count distinct newly set bits (two keys in one call may share a bit)
            self.set_bits += int(np.unique(pos[newly]).size)
            np.bitwise_or.at(self.bits, byte[newly], mask[newly])
        if self.set_bits * 2 > self.n_bits:
            self.bits[:] = 0
            self.set_bits = 0
            self.resets += 1
        return old

    @property
    def nbytes(self) -> int:
        return int(self.bits.nbytes)


class BucketTable:
    """Set-associative counters: ``WAYS`` slots a bucket, key 0 means empty.

    ``rule="mg"`` (weighted Misra-Gries per bucket): a newcomer to a full bucket lowers
    every count of the bucket and itself by the smallest of them; counts are never too
    high.  ``rule="ss"`` (Space-Saving): a newcomer replaces the smallest count and
    inherits it; counts are never too low.
    """

    def __init__(self, n_slots: int, rule: str = "mg") -> None:
        if rule not in ("mg", "ss"):
            raise ValueError(rule)
        self.rule = rule
        self.n_buckets = max(1, int(n_slots) // WAYS)
        self.keys = np.zeros(self.n_buckets * WAYS, dtype=np.uint64)
        self.counts = np.zeros(self.n_buckets * WAYS, dtype=np.uint32)
        self._ways = np.arange(WAYS, dtype=np.int64)
        self.weight_in = 0  # total weight added (for the error bound)
        self.evicted = 0

    @property
    def nbytes(self) -> int:
        return int(self.keys.nbytes + self.counts.nbytes)

    def _slots(self, keys: np.ndarray) -> np.ndarray:
        return _bucket(keys, self.n_buckets)[:, None] * WAYS + self._ways

    def lookup(self, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``(found, slot)`` for each key (slot is -1 where not found)."""
        if keys.size == 0:
            return np.zeros(0, dtype=bool), np.zeros(0, dtype=np.int64)
        slots = self._slots(keys)
        hit = self.keys[slots] == keys[:, None]
        found = hit.any(axis=1)
        slot = np.where(found, slots[np.arange(len(keys)), hit.argmax(axis=1)], -1)
        return found, slot

    def get(self, keys: np.ndarray) -> np.ndarray:
        found, slot = self.lookup(keys)
        out = np.zeros(keys.size, dtype=np.uint32)
        out[found] = self.counts[slot[found]]
        return out

    def add_found(self, slot: np.ndarray, counts: np.ndarray) -> None:
        """Add to keys already in the table (``slot`` from :meth:`lookup`, distinct)."""
        c = self.counts[slot].astype(np.uint64) + counts
        self.counts[slot] = np.minimum(c, 0xFFFFFFFF).astype(np.uint32)
        self.weight_in += int(counts.sum())

    def insert(self, keys: np.ndarray, counts: np.ndarray) -> None:
        """Insert keys that are not in the table (distinct, ``counts > 0``)."""
        keys = keys.astype(np.uint64, copy=False)
        counts = counts.astype(np.uint64, copy=False)
        self.weight_in += int(counts.sum())
        b = _bucket(keys, self.n_buckets)
        while keys.size:
            # one newcomer per bucket per round, so the rounds are vectorised
            _, first = np.unique(b, return_index=True)
            take = np.zeros(keys.size, dtype=bool)
            take[first] = True
            kk, cc, bb = keys[take], counts[take], b[take]
            keys, counts, b = keys[~take], counts[~take], b[~take]
            slots = bb[:, None] * WAYS + self._ways
            cs = self.counts[slots].astype(np.uint64)
            empty = cs == 0
            has_empty = empty.any(axis=1)
            rows = np.arange(kk.size)
            if self.rule == "mg":
                m = np.where(has_empty, 0, np.minimum(cc, cs.min(axis=1)))
                cs = cs - m[:, None]
                cc = cc - m
                self.evicted += int(((cs == 0) & ~empty).sum())
                empty = cs == 0
                place = (cc > 0) & empty.any(axis=1)
                pos = empty.argmax(axis=1)
                zero = slots[cs == 0]
                self.counts[slots] = cs.astype(np.uint32)
                self.keys[zero] = 0
                sel = rows[place]
                target = slots[sel, pos[sel]]
                self.keys[target] = kk[sel]
                self.counts[target] = np.minimum(cc[sel], 0xFFFFFFFF).astype(np.uint32)
            else:  # space-saving: take an empty slot, else replace the smallest count
                pos = np.where(has_empty, empty.argmax(axis=1), cs.argmin(axis=1))
                base = np.where(has_empty, 0, cs[rows, pos])
                self.evicted += int((~has_empty).sum())
                target = slots[rows, pos]
                self.keys[target] = kk
                self.counts[target] = np.minimum(base + cc, 0xFFFFFFFF).astype(np.uint32)

    def items(self) -> tuple[np.ndarray, np.ndarray]:
        live = self.counts > 0
        return self.keys[live].copy(), self.counts[live].copy()


def parse_size(text: str | int) -> int:
    """``"512M"``, ``"2G"``, ``"300MB"`` or a number of megabytes -> bytes.

    >>> parse_size("512M"), parse_size("1.5G"), parse_size(64)
    (536870912, 1610612736, 67108864)
    """
    if isinstance(text, int):
        return text << 20
    s = str(text).strip().upper().removesuffix("B").removesuffix("I")
    mult = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40}
    try:
        if s and s[-1] in mult:
            return int(float(s[:-1]) * mult[s[-1]])
        return int(float(s) * (1 << 20))
    except ValueError:
        raise ValueError(f"not a memory size: {text!r} (try 512M or 2G)") from None


#: resident memory of the interpreter, numpy and the libraries, kept out of the tables
BASELINE_BYTES = 96 << 20


@dataclass(frozen=True)
class Sizing:
    """How a memory cap is split between the structures (see the docs for the bounds)."""

    cap: int
    door_bits: int
    key_slots: int
    site_slots: int

    @classmethod
    def for_cap(cls, cap: int) -> "Sizing":
        budget = max(8 << 20, cap - BASELINE_BYTES)
        # 17% doorkeeper, 38% key table, 10% site table.  The rest is head-room: for
        # the batches (added in slices of SLICE keys, ~70 bytes a key while added) and
        # for writing the profile, which frees the doorkeeper and the key table as it
        # goes but holds at worst ~28 bytes per live slot (12 in the table)
        door_bits = int(budget * 0.17) * 8
        key_slots = int(budget * 0.38) // 12
        site_slots = int(budget * 0.10) // 12
        return cls(cap, door_bits, key_slots, site_slots)


class Learner:
    """Counts documents into bounded structures; :meth:`profile` gives the result."""

    def __init__(self, cap_bytes: int = 512 << 20, site_field: str | None = None, sizing: Sizing | None = None) -> None:
        self.sizing = sizing or Sizing.for_cap(cap_bytes)
        self.site_field = site_field
        self.door = Doorkeeper(self.sizing.door_bits)
        self.keys = BucketTable(self.sizing.key_slots, "mg")
        self.sites = BucketTable(self.sizing.site_slots, "ss")
        self.docs = 0
        self.names: dict[int, str] = {}

    @property
    def nbytes(self) -> int:
        return self.door.nbytes + self.keys.nbytes + self.sites.nbytes

    def add_sites(self, site32: np.ndarray, counts: np.ndarray) -> None:
        for i in range(0, site32.size, SLICE):
            self._add_sites(site32[i : i + SLICE], counts[i : i + SLICE])

    def add_keys(self, keys: np.ndarray, counts: np.ndarray) -> None:
        """Distinct keys with the number of documents that held each (added in slices,
        so that a huge batch costs no more memory than a small one)."""
        for i in range(0, keys.size, SLICE):
            self._add_keys(keys[i : i + SLICE], counts[i : i + SLICE])

    def _add_sites(self, site32: np.ndarray, counts: np.ndarray) -> None:
        """Pages per site.  Never under-counted: a site new to the table whose first
        page the doorkeeper absorbed is entered with that page counted back."""
        site32 = site32.astype(np.uint64)
        counts = counts.astype(np.uint64)
        self.docs += int(counts.sum())
        keys = site32 | (np.uint64(1) << np.uint64(63))  # never 0; apart from line keys
        found, slot = self.sites.lookup(keys)
        if found.any():
            self.sites.add_found(slot[found], counts[found])
        nk, nc = keys[~found], counts[~found]
        if nk.size:
            seen = self.door.seen(nk ^ _SITE_TAG)
            nc = np.where(seen, nc + 1, nc)
            self.sites.insert(nk, nc)

    def _add_keys(self, keys: np.ndarray, counts: np.ndarray) -> None:
        if keys.size == 0:
            return
        keys = keys.astype(np.uint64)
        counts = counts.astype(np.uint64)
        found, slot = self.keys.lookup(keys)
        if found.any():
            self.keys.add_found(slot[found], counts[found])
        nk, nc = keys[~found], counts[~found]
        if nk.size:
            seen = self.door.seen(nk)
            # the doorkeeper absorbs the first sighting of a key: it is not counted
            nc = np.where(seen, nc, nc - 1)
            keep = nc > 0
            self.keys.insert(nk[keep], nc[keep])

    def add_batch(self, part: "BatchCounts") -> None:
        self.add_sites(part.site32, part.site_docs)
        self.add_keys(part.keys, part.key_docs)
        for k, v in part.names.items():
            if len(self.names) < 200_000 or k in self.names:
                self.names.setdefault(k, v)

    def profile(self, min_df: int = 2, min_share: float = 0.1, consume: bool = False) -> "Profile":
        """The profile: keys seen in at least ``min_df`` pages and ``min_share`` of their
        site's pages (smaller ones can never reach a detector threshold).  With
        ``consume``, the doorkeeper and the key table are freed on the way (the learner
        cannot be used afterwards), which keeps the peak within the cap."""
        sk, sc = self.sites.items()
        order = np.argsort(sk)
        s32 = (sk[order] & _M32).astype(np.uint32)
        spages = sc[order]
        live = self.keys.counts >= min_df
        kk, kc = self.keys.keys[live], self.keys.counts[live]
        del live
        if consume:
            self.door.bits = np.zeros(0, dtype=np.uint8)
            self.keys.keys = np.zeros(0, dtype=np.uint64)
            self.keys.counts = np.zeros(0, dtype=np.uint32)
        keep = np.zeros(kk.size, dtype=bool)
        for a in range(0, kk.size, SLICE):  # the share test, in slices
            owner = (kk[a : a + SLICE] >> np.uint64(32)).astype(np.uint32)
            if s32.size:
                i = np.minimum(np.searchsorted(s32, owner), s32.size - 1)
                pages = np.where(s32[i] == owner, spages[i], 0)
            else:
                pages = np.zeros(owner.size, dtype=np.uint32)
            keep[a : a + SLICE] = (pages > 0) & (kc[a : a + SLICE] >= np.ceil(min_share * pages))
        kk, kc = kk[keep], kc[keep]
        del keep
        order = np.argsort(kk)
        meta = {
            "docs": self.docs,
            "site_field": self.site_field,
            "pruned": {"min_df": min_df, "min_share": min_share},
            "sketch": {
                "cap_bytes": self.sizing.cap,
                "doorkeeper_bits": self.door.n_bits,
                "doorkeeper_resets": self.door.resets,
                "key_slots": self.keys.n_buckets * WAYS,
                "key_weight_in": self.keys.weight_in,
                "key_evictions": self.keys.evicted,
                "site_slots": self.sites.n_buckets * WAYS,
                "site_weight_in": self.sites.weight_in,
                "ways": WAYS,
            },
        }
        names = {int(k): v for k, v in self.names.items()}
        return Profile(s32, spages.astype(np.uint32), kk[order], kc[order].astype(np.uint32), meta, names)


@dataclass
class BatchCounts:
    """What a worker sends back for one batch: distinct keys and sites with counts."""

    site32: np.ndarray
    site_docs: np.ndarray
    keys: np.ndarray
    key_docs: np.ndarray
    names: dict[int, str] = field(default_factory=dict)
    docs: int = 0
    rejected: int = 0


def count_docs(docs: Iterable[tuple[str, Sequence[int]]], max_names: int = 64) -> BatchCounts:
    """Count ``(site, line hashes)`` documents: each key once per document."""
    sites: list[int] = []
    parts: list[np.ndarray] = []
    names: dict[int, str] = {}
    for site, hashes in docs:
        s = site_hash(site)
        sites.append(s)
        if len(names) < max_names and s not in names:
            names[s] = site
        if not hashes:
            continue
        line, skip = doc_keys(s, hashes)
        parts.append(np.unique(np.concatenate((line, skip))))
    if sites:
        s32, sdocs = np.unique(np.array(sites, dtype=np.uint64), return_counts=True)
    else:
        s32 = sdocs = np.zeros(0, dtype=np.uint64)
    if parts:
        keys, kdocs = np.unique(np.concatenate(parts), return_counts=True)
    else:
        keys = kdocs = np.zeros(0, dtype=np.uint64)
    return BatchCounts(s32, sdocs.astype(np.uint64), keys, kdocs.astype(np.uint64), names, len(sites))


# --------------------------------------------------------------------------- profile
class ProfileError(ValueError):
    """A profile file that cannot be used; the message names the file."""


@dataclass
class Profile:
    """Sorted arrays: site hashes with page counts, keys with document counts."""

    site32: np.ndarray  # uint32, sorted
    pages: np.ndarray  # uint32
    keys: np.ndarray  # uint64, sorted
    counts: np.ndarray  # uint32
    meta: dict[str, Any] = field(default_factory=dict)
    names: dict[int, str] = field(default_factory=dict)

    def site_pages(self, site: str) -> int:
        s = site_hash(site)
        i = int(np.searchsorted(self.site32, s))
        if i < self.site32.size and int(self.site32[i]) == s:
            return int(self.pages[i])
        return 0

    def lookup(self, keys: np.ndarray) -> np.ndarray:
        """Document counts of ``keys`` (0 where absent)."""
        out = np.zeros(keys.size, dtype=np.uint32)
        if self.keys.size == 0 or keys.size == 0:
            return out
        i = np.searchsorted(self.keys, keys)
        i = np.minimum(i, self.keys.size - 1)
        hit = self.keys[i] == keys
        out[hit] = self.counts[i[hit]]
        return out

    # ------------------------------------------------------------------- file format
    def save(self, path: str) -> None:
        """Write the profile: a magic line, one JSON header line, then raw little-endian
        arrays at the offsets the header gives (no pickle, nothing executable)."""
        arrays = [
            ("site32", self.site32.astype("<u4")),
            ("pages", self.pages.astype("<u4")),
            ("keys", self.keys.astype("<u8")),
            ("counts", self.counts.astype("<u4")),
        ]
        head: dict[str, Any] = {
            "format": FORMAT,
            "version": VERSION,
            "scheme": SCHEME,
            "meta": self.meta,
            "names": {str(k): v for k, v in sorted(self.names.items())[:200_000]},
            "arrays": [],
        }
        # offsets depend on the header length: lay out with a fixed-width placeholder
        def layout(start: int) -> list[dict[str, Any]]:
            out, off = [], start
            for name, a in arrays:
                off = (off + 7) // 8 * 8
                out.append({"name": name, "dtype": a.dtype.str, "count": int(a.size), "offset": off})
                off += a.nbytes
            return out

        head["arrays"] = layout(0)
        body = json.dumps(head, ensure_ascii=True, separators=(",", ":")).encode("ascii")
        for _ in range(3):  # the offsets' digits change the header length; settle it
            head["arrays"] = layout(len(MAGIC) + len(body) + 1)
            body = json.dumps(head, ensure_ascii=True, separators=(",", ":")).encode("ascii")
        tmp = f"{path}.tmp-{os.getpid()}"
        with open(tmp, "wb") as f:
            f.write(MAGIC + body + b"\n")
            for spec, (name, a) in zip(head["arrays"], arrays):
                f.write(b"\0" * (spec["offset"] - f.tell()))
                f.write(a.tobytes())
        os.replace(tmp, path)

    @classmethod
    def load(cls, path: str) -> "Profile":
        try:
            f = open(path, "rb")
        except OSError as exc:
            raise ProfileError(f"{path}: {exc.strerror or exc}") from None
        with f:
            if f.read(len(MAGIC)) != MAGIC:
                raise ProfileError(f"{path}: not a cleaner site profile")
            line = f.readline(64 << 20)
            try:
                head = json.loads(line)
            except ValueError:
                raise ProfileError(f"{path}: damaged profile header") from None
            if not isinstance(head, dict) or head.get("format") != FORMAT:
                raise ProfileError(f"{path}: not a cleaner site profile")
            if head.get("version") != VERSION:
                raise ProfileError(f"{path}: profile version {head.get('version')!r}; this cleaner reads version {VERSION}")
            if head.get("scheme") != SCHEME:
                raise ProfileError(f"{path}: profile made with another normalisation scheme")
            want = {"site32": "<u4", "pages": "<u4", "keys": "<u8", "counts": "<u4"}
            got: dict[str, np.ndarray] = {}
            size = os.fstat(f.fileno()).st_size
            for spec in head.get("arrays", []):
                name = spec.get("name")
                if name not in want or spec.get("dtype") != want[name]:
                    raise ProfileError(f"{path}: unexpected array {name!r}")
                count, off = int(spec["count"]), int(spec["offset"])
                dt = np.dtype(want[name])
                if count < 0 or off < 0 or off + count * dt.itemsize > size:
                    raise ProfileError(f"{path}: truncated profile")
                f.seek(off)
                got[name] = np.frombuffer(f.read(count * dt.itemsize), dtype=dt).astype(dt.newbyteorder("="))
            if set(got) != set(want):
                raise ProfileError(f"{path}: profile lacks arrays {sorted(set(want) - set(got))}")
        if got["site32"].size != got["pages"].size or got["keys"].size != got["counts"].size:
            raise ProfileError(f"{path}: inconsistent profile arrays")
        if np.any(np.diff(got["site32"].astype(np.int64)) <= 0) or np.any(got["keys"][1:] <= got["keys"][:-1]):
            raise ProfileError(f"{path}: profile arrays are not sorted")
        names_raw = head.get("names") or {}
        names = {int(k): str(v) for k, v in names_raw.items()} if isinstance(names_raw, dict) else {}
        meta = head.get("meta") if isinstance(head.get("meta"), dict) else {}
        return cls(got["site32"], got["pages"], got["keys"], got["counts"], meta, names)

    # -------------------------------------------------------------------------- merge
    def merge(self, other: "Profile") -> "Profile":
        """The profile of both inputs: counts of the same site or key are added (each
        input's counts are lower bounds for keys and upper bounds for sites, and so are
        the sums)."""
        s, p = _sum_sorted(np.concatenate((self.site32, other.site32)), np.concatenate((self.pages, other.pages)))
        k, c = _sum_sorted(np.concatenate((self.keys, other.keys)), np.concatenate((self.counts, other.counts)))
        meta = {
            "docs": int(self.meta.get("docs", 0)) + int(other.meta.get("docs", 0)),
            "site_field": self.meta.get("site_field"),
            "merged": [self.meta, other.meta],
        }
        if self.meta.get("site_field") != other.meta.get("site_field"):
            raise ProfileError(
                f"cannot merge profiles grouped by {self.meta.get('site_field')!r} and {other.meta.get('site_field')!r}"
            )
        return Profile(s.astype(np.uint32), p, k.astype(np.uint64), c, meta, {**other.names, **self.names})


def _sum_sorted(keys: np.ndarray, counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    if keys.size == 0:
        return keys, counts.astype(np.uint32)
    u, inv = np.unique(keys, return_inverse=True)
    tot = np.zeros(u.size, dtype=np.uint64)
    np.add.at(tot, inv, counts.astype(np.uint64))
    return u, np.minimum(tot, 0xFFFFFFFF).astype(np.uint32)


@lru_cache(maxsize=4)
def _load_cached(path: str, mtime_ns: int, size: int) -> Profile:
    return Profile.load(path)


def load_profile(path: str) -> Profile:
    """Load a profile once per process (cached by path, modification time and size)."""
    try:
        st = os.stat(path)
    except OSError as exc:
        raise ProfileError(f"{path}: {exc.strerror or exc}") from None
    return _load_cached(os.path.abspath(path), st.st_mtime_ns, st.st_size)
