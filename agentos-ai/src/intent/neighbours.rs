//! Indexes that name the few vocabulary words (or run-together phrases) a request word could be
//! alike, so an unmatched word costs some hash lookups rather than a comparison with every word.
//!
//! Both only narrow the field: every candidate they return is still scored by the comparison in
//! [`super::similarity`], and every word that comparison would find alike is among them.

use foldhash::fast::FixedState;

use std::hash::BuildHasher;

use super::similarity::{ENDINGS, trigrams};

/// Entry ids by key (a hash or a packed trigram), built once: each key's ids sit together in
/// one list, so a lookup reads the table and one run of that list.
#[derive(Debug, Default)]
struct Postings {
    /// One bit per slot of keys, set for every key present: most keys a query asks for are
    /// absent, and this small table answers that without touching the large one.
    present: Vec<u64>,
    /// `64 - log2(number of bits in present)`: the shift that picks a key's bit.
    shift: u32,
    /// Per key, the start and length of its run in `ids`.
    runs: std::collections::HashMap<u64, (u32, u32), FixedState>,
    ids: Vec<u32>,
}

impl Postings {
    /// The postings of `pairs` (key, entry id), in any order, with repeats.
    fn new(mut pairs: Vec<(u64, u32)>) -> Postings {
        pairs.sort_unstable();
        pairs.dedup();
        // About eight bits per key: one absent key in ten or so gets past the bits.
        let bits = (pairs.len() * 8).next_power_of_two().max(64);
        let mut postings = Postings {
            present: vec![0; bits / 64],
            shift: 64 - bits.trailing_zeros(),
            runs: std::collections::HashMap::with_capacity_and_hasher(
                pairs.len(),
                FixedState::default(),
            ),
            ids: Vec::with_capacity(pairs.len()),
        };
        for (key, id) in pairs {
            let bit = postings.bit(key);
            postings.present[bit / 64] |= 1 << (bit % 64);
            let start = postings.ids.len() as u32;
            postings.ids.push(id);
            postings.runs.entry(key).or_insert((start, 0)).1 += 1;
        }
        postings.runs.shrink_to_fit();
        postings
    }

    /// Which bit of `present` stands for `key` (keys need not be well mixed: packed trigrams
    /// are not).
    fn bit(&self, key: u64) -> usize {
        (key.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> self.shift) as usize
    }

    /// The ids under `key`, ascending.
    fn get(&self, key: u64) -> &[u32] {
        let bit = self.bit(key);
        if self
            .present
            .get(bit / 64)
            .is_none_or(|word| word & 1 << (bit % 64) == 0)
        {
            return &[];
        }
        self.runs.get(&key).map_or(&[], |(start, len)| {
            let start = *start as usize;
            self.ids.get(start..start + *len as usize).unwrap_or(&[])
        })
    }
}

/// Words of at least this many characters are also indexed with two characters deleted (the
/// comparison only accepts two edits between words this long).
pub(super) const TWO_EDITS_FROM: usize = 7;

/// Words within a few edits of each other, by deletion neighbourhood: two words at most `k`
/// edits apart (insertions, deletions, substitutions, adjacent swaps) become the same string
/// after at most `k` deletions from each. Every entry's spellings with up to one character
/// deleted (up to two, when asked, for words of [`TWO_EDITS_FROM`] characters or more) are
/// stored by hash; a query looks its own deletions up. A hash collision only adds a candidate.
#[derive(Debug, Default)]
pub(super) struct DeletionIndex {
    entries: Postings,
    /// The longest entry, in characters: a much longer word has no neighbour.
    longest: usize,
    /// The shortest entry, in characters (`None` while empty): a much shorter word has no
    /// neighbour either.
    shortest: Option<usize>,
}

impl DeletionIndex {
    /// Indexes `entries` (id, spelling), to be found within `max_edits` (1 or 2) edits.
    pub(super) fn new<'a>(
        entries: impl IntoIterator<Item = (u32, &'a [char])>,
        max_edits: usize,
    ) -> DeletionIndex {
        let (mut pairs, mut longest, mut shortest) = (Vec::new(), 0, None::<usize>);
        for (id, chars) in entries {
            longest = longest.max(chars.len());
            shortest = Some(shortest.map_or(chars.len(), |n| n.min(chars.len())));
            let two = max_edits >= 2 && chars.len() >= TWO_EDITS_FROM;
            for_each_deletion(chars, two, |hash| pairs.push((hash, id)));
        }
        DeletionIndex {
            entries: Postings::new(pairs),
            longest,
            shortest,
        }
    }

    /// Appends to `out` every entry that may be within `max_edits` (1 or 2) of `chars`; two
    /// edits are only found between words of [`TWO_EDITS_FROM`] characters or more.
    pub(super) fn candidates(&self, chars: &[char], max_edits: usize, out: &mut Vec<u32>) {
        let Some(shortest) = self.shortest else {
            return;
        };
        if chars.len() > self.longest + max_edits || chars.len() + max_edits < shortest {
            return;
        }
        let two = max_edits >= 2 && chars.len() >= TWO_EDITS_FROM;
        for_each_deletion(chars, two, |hash| {
            out.extend_from_slice(self.entries.get(hash))
        });
    }
}

/// Calls `visit` with the hash of `chars` itself, of every string made by deleting one
/// character, and with `two`, of every string made by deleting two.
///
/// The hash is polynomial, `h(s) = Σ (s[k] + 1)·B^(len-1-k)` in wrapping arithmetic, so the
/// hash of a string with characters deleted is put together from hashes of its prefixes in a
/// few multiplications, whatever its length; equal strings hash equally however they were
/// reached.
fn for_each_deletion(chars: &[char], two: bool, visit: impl FnMut(u64)) {
    /// Words up to this long are hashed without allocating.
    const ON_STACK: usize = 47;
    let n = chars.len();
    if n <= ON_STACK {
        let (mut prefix, mut power) = ([0u64; ON_STACK + 1], [0u64; ON_STACK + 1]);
        deletions(chars, two, &mut prefix[..=n], &mut power[..=n], visit);
    } else {
        let (mut prefix, mut power) = (vec![0u64; n + 1], vec![0u64; n + 1]);
        deletions(chars, two, &mut prefix, &mut power, visit);
    }
}

/// [`for_each_deletion`] with room for the prefix hashes and the powers of the base
/// (`chars.len() + 1` each).
fn deletions(
    chars: &[char],
    two: bool,
    prefix: &mut [u64],
    power: &mut [u64],
    mut visit: impl FnMut(u64),
) {
    const BASE: u64 = 0x100_0000_01b3;
    let n = chars.len();
    // prefix[k] = h(chars[..k]), power[k] = B^k.
    prefix[0] = 0;
    power[0] = 1;
    for (k, c) in chars.iter().enumerate() {
        prefix[k + 1] = prefix[k].wrapping_mul(BASE).wrapping_add(u64::from(*c) + 1);
        power[k + 1] = power[k].wrapping_mul(BASE);
    }
    let (prefix, power) = (&*prefix, &*power);
    // h(chars[a..b]).
    let part = |a: usize, b: usize| prefix[b].wrapping_sub(prefix[a].wrapping_mul(power[b - a]));
    visit(prefix[n]);
    for (i, head) in prefix[..n].iter().copied().enumerate() {
        let after = i + 1;
        visit(
            head.wrapping_mul(power[n - after])
                .wrapping_add(part(after, n)),
        );
        if two {
            for j in after..n {
                let middle = head
                    .wrapping_mul(power[j - after])
                    .wrapping_add(part(after, j));
                visit(
                    middle
                        .wrapping_mul(power[n - j - 1])
                        .wrapping_add(part(j + 1, n)),
                );
            }
        }
    }
}

/// Words by the spellings a plural or verb ending makes of them (see
/// [`super::similarity::same_stem`]): each entry is stored under itself plus and less each
/// ending, and `y`/`ies` swapped, so a query finds every stem relative with one lookup of its
/// own spelling. A hash collision only adds a candidate.
#[derive(Debug, Default)]
pub(super) struct StemIndex {
    forms: Postings,
}

impl StemIndex {
    /// Indexes `entries` (id, word).
    pub(super) fn new<'a>(entries: impl IntoIterator<Item = (u32, &'a str)>) -> StemIndex {
        let mut pairs = Vec::new();
        for (id, word) in entries {
            let mut add = |form: &str| pairs.push((hash_str(form), id));
            for ending in ENDINGS {
                add(&format!("{word}{ending}"));
                if let Some(stem) = word.strip_suffix(ending) {
                    add(stem);
                }
            }
            if let Some(base) = word.strip_suffix('y') {
                add(&format!("{base}ies"));
            }
            if let Some(base) = word.strip_suffix("ies") {
                add(&format!("{base}y"));
            }
        }
        StemIndex {
            forms: Postings::new(pairs),
        }
    }

    /// Every entry that may be `word` less or plus an ending.
    pub(super) fn candidates(&self, word: &str) -> &[u32] {
        self.forms.get(hash_str(word))
    }
}

/// The hash [`StemIndex`] files a spelling under.
fn hash_str(word: &str) -> u64 {
    FixedState::default().hash_one(word)
}

/// Words that share padded character trigrams, with how many each entry has (a Jaccard
/// overlap of one half needs a share of the union).
#[derive(Debug, Default)]
pub(super) struct TrigramIndex {
    postings: Postings,
    /// Per entry id, its number of distinct trigrams.
    sizes: Vec<usize>,
}

impl TrigramIndex {
    /// Indexes `entries`, spelled as given; an entry's id is its position.
    pub(super) fn new<'a>(entries: impl IntoIterator<Item = &'a [char]>) -> TrigramIndex {
        let (mut pairs, mut sizes) = (Vec::new(), Vec::new());
        for (id, chars) in entries.into_iter().enumerate() {
            let grams = trigrams(chars);
            pairs.extend(grams.iter().map(|gram| (pack(gram), id as u32)));
            sizes.push(grams.len());
        }
        TrigramIndex {
            postings: Postings::new(pairs),
            sizes,
        }
    }

    /// Appends to `out` every entry whose trigram overlap with `chars` may reach one half.
    pub(super) fn candidates(&self, chars: &[char], out: &mut Vec<u32>) {
        let mut grams: Vec<u64> = Vec::with_capacity(chars.len() + 1);
        // The windows of the word padded with a space either side, as `trigrams` makes them.
        let padded = std::iter::once(' ')
            .chain(chars.iter().copied())
            .chain(std::iter::once(' '));
        let mut window = [' '; 3];
        for (k, c) in padded.enumerate() {
            window = [window[1], window[2], c];
            if k >= 2 {
                grams.push(pack(&window));
            }
        }
        grams.sort_unstable();
        grams.dedup();
        // Per entry, how many of the word's trigrams it shares; `touched` lists the entries
        // with any, in the order first seen.
        let mut shared = vec![0u8; self.sizes.len()];
        let mut touched: Vec<u32> = Vec::with_capacity(32);
        for gram in &grams {
            for id in self.postings.get(*gram) {
                let Some(n) = shared.get_mut(*id as usize) else {
                    continue;
                };
                if *n == 0 {
                    touched.push(*id);
                }
                *n = n.saturating_add(1);
            }
        }
        for id in touched {
            let n = usize::from(shared[id as usize]);
            let size = self.sizes.get(id as usize).copied().unwrap_or(0);
            // Overlap n / (a + b - n) >= 1/2 means 3n >= a + b; one more than that leaves
            // the exact decision, in floating point, to the comparison. (A count stuck at 255
            // only lets more entries through.)
            if 3 * n + 1 >= grams.len() + size || n == usize::from(u8::MAX) {
                out.push(id);
            }
        }
    }
}

/// A trigram as one number: a `char` fits in 21 bits.
fn pack(gram: &[char; 3]) -> u64 {
    u64::from(gram[0]) << 42 | u64::from(gram[1]) << 21 | u64::from(gram[2])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chars(word: &str) -> Vec<char> {
        word.chars().collect()
    }

    fn found(index: &DeletionIndex, word: &str, max_edits: usize) -> Vec<u32> {
        let mut out = Vec::new();
        index.candidates(&chars(word), max_edits, &mut out);
        out.sort_unstable();
        out.dedup();
        out
    }

    /// The hash of `chars` itself.
    fn hash(chars: &[char]) -> u64 {
        let mut first = None;
        for_each_deletion(chars, false, |hash| {
            first.get_or_insert(hash);
        });
        first.unwrap_or_default()
    }

    proptest::proptest! {
        #[test]
        fn deletion_hashes_are_the_hashes_of_the_shorter_words(word in "\\PC{0,12}") {
            let chars: Vec<char> = word.chars().collect();
            let mut expected = vec![hash(&chars)];
            for i in 0..chars.len() {
                let mut one = chars.clone();
                one.remove(i);
                expected.push(hash(&one));
                for j in i + 1..chars.len() {
                    let mut two = chars.clone();
                    two.remove(j);
                    two.remove(i);
                    expected.push(hash(&two));
                }
            }
            let mut visited = Vec::new();
            for_each_deletion(&chars, true, |hash| visited.push(hash));
            proptest::prop_assert_eq!(visited, expected);
        }

        #[test]
        fn postings_hold_exactly_their_pairs(
            pairs in proptest::collection::vec((0u64..64, 0u32..8), 0..40),
            probe in 0u64..128,
        ) {
            // Keys spread over the whole range, as hashes are, and clustered, as trigrams are.
            let spread = |key: u64| key.wrapping_mul(0x0123_4567_89ab_cdef);
            let postings = Postings::new(pairs.iter().map(|(key, id)| (spread(*key), *id)).collect());
            let mut expected: Vec<u32> =
                pairs.iter().filter(|(key, _)| *key == probe).map(|(_, id)| *id).collect();
            expected.sort_unstable();
            expected.dedup();
            proptest::prop_assert_eq!(postings.get(spread(probe)), expected.as_slice());
            let clustered = Postings::new(pairs.iter().map(|(key, id)| (*key, *id)).collect());
            proptest::prop_assert_eq!(clustered.get(probe), expected.as_slice());
        }

        #[test]
        fn query_trigrams_are_the_indexed_ones(word in "\\PC{1,12}") {
            let chars: Vec<char> = word.chars().collect();
            let index = TrigramIndex::new([&chars[..]]);
            let mut out = Vec::new();
            index.candidates(&chars, &mut out);
            proptest::prop_assert_eq!(out, [0u32]);
        }
    }

    #[test]
    fn one_edit_of_any_kind_is_a_neighbour() {
        let (todo, timer) = (chars("todo"), chars("timer"));
        let index = DeletionIndex::new([(0, &todo[..]), (1, &timer[..])], 1);
        for typo in ["tood", "tod", "todoo", "tado", "todo"] {
            assert_eq!(found(&index, typo, 1), [0], "{typo}");
        }
        assert!(found(&index, "xxxx", 1).is_empty());
    }

    #[test]
    fn two_edits_only_between_long_words() {
        let (calculator, notes) = (chars("calculator"), chars("notes"));
        let one = DeletionIndex::new([(0, &calculator[..])], 1);
        assert!(
            found(&one, "calcluatr", 1).is_empty(),
            "a swap and a deletion"
        );
        let two = DeletionIndex::new([(0, &calculator[..]), (1, &notes[..])], 2);
        assert_eq!(found(&two, "calcluatr", 2), [0]);
        assert!(found(&two, "nxtxs", 2).is_empty(), "too short for two");
    }

    #[test]
    fn stem_relatives_are_found_by_their_own_spelling() {
        let index = StemIndex::new([(0, "note"), (1, "category"), (2, "track"), (3, "timer")]);
        for (word, id) in [
            ("notes", 0),
            ("categories", 1),
            ("tracking", 2),
            ("tracked", 2),
        ] {
            assert!(index.candidates(word).contains(&id), "{word}");
        }
        assert!(!index.candidates("time").contains(&3), "`r` is no ending");
        assert!(
            !index.candidates("note").contains(&0),
            "the word itself is an exact match, not a stem"
        );
    }

    #[test]
    fn trigram_candidates_need_a_share_of_the_union() {
        let (flashcards, flat) = (chars("flashcards"), chars("flat"));
        let index = TrigramIndex::new([&flashcards[..], &flat[..]]);
        let mut out = Vec::new();
        index.candidates(&chars("flashcard"), &mut out);
        assert_eq!(out, [0]);
    }
}
