//! How alike two words are: plural stems, a banded edit distance, character-trigram overlap,
//! and the letter-count filters that rule most pairs out before any of them runs.

/// A word of the phrase vocabulary with what its comparisons need precomputed.
#[derive(Debug)]
pub(super) struct VocabularyWord {
    pub(super) text: String,
    pub(super) chars: Vec<char>,
    pub(super) letters: Option<[u8; 26]>,
    /// Which letters occur (bit `i` for the `i`-th letter), a quick lower bound on how far two
    /// words' letter counts are apart; 0 when `letters` is `None`.
    pub(super) mask: u32,
}

impl VocabularyWord {
    /// `word` with its characters, letter counts and letter mask.
    pub(super) fn new(word: &str) -> VocabularyWord {
        let letters = letters(word);
        VocabularyWord {
            text: word.to_owned(),
            chars: word.chars().collect(),
            mask: letters.as_ref().map_or(0, mask),
            letters,
        }
    }
}

/// Similarity of a vocabulary word and a request word that are neither equal nor plurals of
/// each other: edit distance first, then trigram overlap, each behind cheap filters.
pub(super) fn fuzzy_similarity(
    known: &VocabularyWord,
    actual: &[char],
    actual_letters: Option<&[u8; 26]>,
    actual_mask: u32,
) -> f32 {
    let (n_known, n_actual) = (known.chars.len(), actual.len());
    let (shortest, longest) = (n_known.min(n_actual), n_known.max(n_actual));
    if shortest < 3 || longest < 4 {
        return 0.0;
    }
    // Lengths alone rule most pairs out: an edit changes the length by at most one, and a
    // trigram overlap of one half needs lengths within a factor of about two.
    let edit_possible = longest - shortest <= 2;
    let trigram_possible = shortest >= 5 && longest < 2 * shortest + 1;
    if !edit_possible && !trigram_possible {
        return 0.0;
    }
    // Each edit changes the letter counts by at most 2, so a large difference rules out a
    // close match before any table is filled. A letter only one word has adds at least 1 to
    // the difference: the masks bound it without counting.
    let allowed = match (edit_possible, trigram_possible) {
        (true, true) => (shortest / 2).max(4),
        (true, false) => 4,
        _ => shortest / 2,
    };
    if known.letters.is_some()
        && actual_letters.is_some()
        && (known.mask ^ actual_mask).count_ones() as usize > allowed
    {
        return 0.0;
    }
    let letter_difference: usize = match (known.letters.as_ref(), actual_letters) {
        (Some(a), Some(b)) => letter_distance(a, b),
        _ => 0,
    };
    if edit_possible && letter_difference <= 4 {
        match edit_distance_within(&known.chars, actual, 2) {
            Some(1) => return if shortest >= 4 { 0.85 } else { 0.8 },
            Some(2) if shortest >= 7 => return 0.75,
            _ => {}
        }
    }
    if trigram_possible
        && letter_difference <= shortest / 2
        && trigram_similarity(&known.chars, actual) >= 0.5
    {
        return 0.7;
    }
    0.0
}

/// How far apart two words' letter counts are: the sum of the differences per letter.
pub(super) fn letter_distance(a: &[u8; 26], b: &[u8; 26]) -> usize {
    // Byte-wide differences summed in 16 bits: a shape the compiler turns into vector code.
    let total: u16 = a
        .iter()
        .zip(b)
        .map(|(x, y)| u16::from(x.abs_diff(*y)))
        .sum();
    usize::from(total)
}

/// Which letters `counts` has at least one of, as bits.
pub(super) fn mask(counts: &[u8; 26]) -> u32 {
    counts
        .iter()
        .enumerate()
        .filter(|(_, n)| **n > 0)
        .fold(0, |bits, (i, _)| bits | 1 << i)
}

/// Letter counts of an ASCII word; `None` for other words (no filter then).
pub(super) fn letters(word: &str) -> Option<[u8; 26]> {
    let mut counts = [0u8; 26];
    for byte in word.bytes() {
        match byte {
            b'a'..=b'z' => {
                counts[usize::from(byte - b'a')] =
                    counts[usize::from(byte - b'a')].saturating_add(1)
            }
            _ => return None,
        }
    }
    Some(counts)
}

/// True when one word is the other plus a plural or verb ending (`note`/`notes`,
/// `category`/`categories`, `track`/`tracking`).
pub(super) fn same_stem(a: &str, b: &str) -> bool {
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    // Both start with the same letter either way; comparing it first rules out most pairs
    // without a call.
    if short.len() < 3 || long.len() > short.len() + 3 || short.as_bytes()[0] != long.as_bytes()[0]
    {
        return false;
    }
    let Some(ending) = long.strip_prefix(short) else {
        return short
            .strip_suffix('y')
            .is_some_and(|base| long.strip_prefix(base) == Some("ies"));
    };
    ENDINGS.contains(&ending)
}

/// The plural and verb endings [`same_stem`] accepts after a stem.
pub(super) const ENDINGS: [&str; 5] = ["s", "es", "ing", "ed", "d"];

/// Longest word compared by [`edit_distance_within`].
const MAX_EDIT_CHARS: usize = 47;

/// Optimal-string-alignment distance (insertions, deletions, substitutions, adjacent swaps)
/// when it is at most `max` (at most 2), else `None`; `None` also for words longer than
/// [`MAX_EDIT_CHARS`]. Only the diagonal band `|i - j| <= max` is computed (a cell outside it is
/// already more than `max`), and a row with nothing within `max` ends the search.
pub(super) fn edit_distance_within(a: &[char], b: &[char], max: usize) -> Option<usize> {
    if a.len() > MAX_EDIT_CHARS || b.len() > MAX_EDIT_CHARS || a.len().abs_diff(b.len()) > max {
        return None;
    }
    let max = max.min(2);
    // Stands for "more than `max`"; cells never grow past it.
    let over = max as u8 + 1;
    // Three rolling rows (i-2, i-1, i), addressed by index so no row is ever copied.
    let mut rows = [[over; MAX_EDIT_CHARS + 1]; 3];
    for (j, cell) in rows[0].iter_mut().enumerate().take(b.len().min(max) + 1) {
        *cell = j as u8;
    }
    for i in 1..=a.len() {
        let (current, previous, before) = (i % 3, (i + 2) % 3, (i + 1) % 3);
        let (low, high) = (i.saturating_sub(max).max(1), (i + max).min(b.len()));
        rows[current][0] = if i <= max { i as u8 } else { over };
        // The cells either side of the band are read by this row and the next.
        if low > 1 {
            rows[current][low - 1] = over;
        }
        if high < b.len() {
            rows[current][high + 1] = over;
        }
        let mut row_min = rows[current][0];
        for j in low..=high {
            let cost = u8::from(a[i - 1] != b[j - 1]);
            let mut best = (rows[previous][j] + 1)
                .min(rows[current][j - 1] + 1)
                .min(rows[previous][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(rows[before][j - 2] + 1);
            }
            let best = best.min(over);
            rows[current][j] = best;
            row_min = row_min.min(best);
        }
        if row_min > max as u8 {
            return None;
        }
    }
    let distance = usize::from(rows[a.len() % 3][b.len()]);
    (distance <= max).then_some(distance)
}

/// The distinct trigrams of `word` padded with a space either side, sorted.
pub(super) fn trigrams(word: &[char]) -> Vec<[char; 3]> {
    let padded: Vec<char> = std::iter::once(' ')
        .chain(word.iter().copied())
        .chain(std::iter::once(' '))
        .collect();
    let mut grams: Vec<[char; 3]> = padded.windows(3).map(|w| [w[0], w[1], w[2]]).collect();
    grams.sort_unstable();
    grams.dedup();
    grams
}

/// Jaccard overlap of the padded character trigrams of two words.
pub(super) fn trigram_similarity(a: &[char], b: &[char]) -> f32 {
    let (a, b) = (trigrams(a), trigrams(b));
    let shared = a
        .iter()
        .filter(|gram| b.binary_search(gram).is_ok())
        .count();
    let union = a.len() + b.len() - shared;
    if union == 0 {
        0.0
    } else {
        shared as f32 / union as f32
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chars(word: &str) -> Vec<char> {
        word.chars().collect()
    }

    fn similarity(expected: &str, actual: &str) -> f32 {
        if expected == actual {
            return 1.0;
        }
        if same_stem(expected, actual) {
            return 0.95;
        }
        let known = VocabularyWord::new(expected);
        let actual_letters = letters(actual);
        fuzzy_similarity(
            &known,
            &chars(actual),
            actual_letters.as_ref(),
            actual_letters.as_ref().map_or(0, mask),
        )
    }

    #[test]
    fn edit_distance_counts_swaps_as_one() {
        let within = |a: &str, b: &str, max| edit_distance_within(&chars(a), &chars(b), max);
        assert_eq!(within("calculator", "calculater", 2), Some(1));
        assert_eq!(within("todo", "tood", 1), Some(1));
        assert_eq!(within("", "ab", 2), Some(2));
        assert_eq!(within("kitten", "sitting", 2), None, "three edits");
        assert_eq!(within("timer", "timer", 1), Some(0));
        assert_eq!(within(&"a".repeat(60), &"a".repeat(60), 2), None);
    }

    /// The whole optimal-string-alignment table, for comparison with the banded one.
    fn full_distance(a: &[char], b: &[char]) -> usize {
        let mut table = vec![vec![0usize; b.len() + 1]; a.len() + 1];
        for (i, row) in table.iter_mut().enumerate() {
            row[0] = i;
        }
        for (j, cell) in table[0].iter_mut().enumerate() {
            *cell = j;
        }
        for i in 1..=a.len() {
            for j in 1..=b.len() {
                let cost = usize::from(a[i - 1] != b[j - 1]);
                let mut best = (table[i - 1][j] + 1)
                    .min(table[i][j - 1] + 1)
                    .min(table[i - 1][j - 1] + cost);
                if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                    best = best.min(table[i - 2][j - 2] + 1);
                }
                table[i][j] = best;
            }
        }
        table[a.len()][b.len()]
    }

    #[test]
    fn similarity_tiers() {
        assert_eq!(similarity("note", "notes"), 0.95);
        assert_eq!(similarity("category", "categories"), 0.95);
        assert_eq!(similarity("calculator", "calculater"), 0.85);
        assert_eq!(similarity("bill", "bil"), 0.8);
        assert_eq!(
            similarity("tip", "top"),
            0.0,
            "short words need an exact match"
        );
        assert!(trigram_similarity(&chars("flashcards"), &chars("flashcard")) > 0.5);
    }

    proptest::proptest! {
        #[test]
        fn the_banded_distance_is_the_full_one_up_to_the_limit(
            a in "[abcde]{0,12}",
            b in "[abcde]{0,12}",
            max in 0usize..3,
        ) {
            let (a, b) = (chars(&a), chars(&b));
            let full = full_distance(&a, &b);
            let expected = (full <= max).then_some(full);
            proptest::prop_assert_eq!(edit_distance_within(&a, &b, max), expected);
        }
    }
}
