//! Intent matching: which template a request asks for, robust to phrasing, synonyms and typos.
//!
//! A request is lowercased, split into words and stripped of filler ("make me a … app"). Each
//! template phrase is matched word by word: exact, plural-stem, edit distance (one edit for
//! words of 4+ letters, two for 8+), or character-trigram overlap; a multi-word phrase may also
//! match one run-together word ("todolist"). A template scores its best phrase (longer phrases
//! weigh more), plus a little for every other phrase that matches.

use std::collections::HashMap;

use crate::template::Template;

/// A template chosen for a request, with how sure the matcher is.
#[derive(Debug, Clone, Copy)]
pub struct IntentMatch<'a> {
    /// The chosen template.
    pub template: &'a Template,
    /// `0.0..=1.0`; [`crate::CONFIDENT`] and above answer offline.
    pub confidence: f32,
}

/// Weight of a `related` phrase relative to a keyword.
const RELATED_WEIGHT: f32 = 0.45;
/// Share of each further matching phrase added to the best one.
const SUPPORT_SHARE: f32 = 0.35;
/// Extra weight per additional word of a phrase.
const PHRASE_LENGTH_BONUS: f32 = 0.2;

/// Words of four or more letters that say nothing about which app is wanted (shorter words only
/// ever match exactly, so they need no list).
const STOPWORDS: &[&str] = &[
    "make",
    "build",
    "create",
    "generate",
    "give",
    "want",
    "need",
    "would",
    "like",
    "please",
    "could",
    "simple",
    "small",
    "little",
    "basic",
    "quick",
    "some",
    "something",
    "application",
    "program",
    "nice",
    "good",
    "cool",
    "fancy",
    "widget",
    "utility",
    "just",
    "that",
    "which",
    "this",
    "with",
];

/// The phrases of every template, with their words numbered once so a request is compared with
/// each distinct word only once.
#[derive(Debug)]
pub(crate) struct IntentIndex {
    vocabulary: Vec<VocabularyWord>,
    lookup: HashMap<String, usize>,
    /// The vocabulary's shapes, packed, in the same order: one pass over them rules out most
    /// words before any is compared letter by letter.
    shapes: Vec<Shape>,
    /// Per template, its phrases.
    phrases: Vec<Vec<Phrase>>,
}

/// What the cheap filters of a comparison need to know about a word.
#[derive(Debug, Clone, Copy)]
struct Shape {
    bytes: usize,
    chars: usize,
    first: u8,
    /// Letters present (see [`VocabularyWord::mask`]); `None` for a word with other characters.
    mask: Option<u32>,
}

impl Shape {
    fn of(word: &str, letters: Option<&[u8; 26]>) -> Shape {
        Shape {
            bytes: word.len(),
            chars: word.chars().count(),
            first: word.as_bytes().first().copied().unwrap_or(0),
            mask: letters.map(mask),
        }
    }

    /// False when neither [`same_stem`] nor (with `fuzzy`) [`fuzzy_similarity`] can find the
    /// words alike: the same length, first-letter and letter-set conditions those check first.
    fn may_match(self, other: Shape, fuzzy: bool) -> bool {
        let (short, long) = (self.bytes.min(other.bytes), self.bytes.max(other.bytes));
        if short >= 3 && long <= short + 3 && self.first == other.first {
            return true;
        }
        if !fuzzy {
            return false;
        }
        let (shortest, longest) = (self.chars.min(other.chars), self.chars.max(other.chars));
        if shortest < 3 || longest < 4 {
            return false;
        }
        let edit_possible = longest - shortest <= 2;
        let trigram_possible = shortest >= 5 && longest < 2 * shortest + 1;
        let allowed = match (edit_possible, trigram_possible) {
            (true, true) => (shortest / 2).max(4),
            (true, false) => 4,
            (false, true) => shortest / 2,
            (false, false) => return false,
        };
        match (self.mask, other.mask) {
            (Some(a), Some(b)) => (a ^ b).count_ones() as usize <= allowed,
            _ => true,
        }
    }
}

#[derive(Debug)]
struct VocabularyWord {
    text: String,
    chars: Vec<char>,
    letters: Option<[u8; 26]>,
    /// Which letters occur (bit `i` for the `i`-th letter), a quick lower bound on how far two
    /// words' letter counts are apart; 0 when `letters` is `None`.
    mask: u32,
}

#[derive(Debug)]
struct Phrase {
    words: Vec<usize>,
    /// The words run together ("todolist") and their letter counts, for multi-word phrases.
    joined: Option<(Vec<char>, Option<[u8; 26]>)>,
    weight: f32,
}

impl IntentIndex {
    /// Indexes the phrases of `templates`.
    pub(crate) fn new(templates: &[Template]) -> IntentIndex {
        let mut index = IntentIndex {
            vocabulary: Vec::new(),
            lookup: HashMap::new(),
            shapes: Vec::new(),
            phrases: Vec::with_capacity(templates.len()),
        };
        for template in templates {
            let keywords = template.keywords.iter().map(|phrase| (phrase, 1.0));
            let related = template
                .related
                .iter()
                .map(|phrase| (phrase, RELATED_WEIGHT));
            let phrases = keywords
                .chain(related)
                .map(|(phrase, weight)| {
                    let words: Vec<usize> =
                        phrase.split(' ').map(|word| index.word_id(word)).collect();
                    let n_words = words.len();
                    Phrase {
                        joined: (n_words > 1).then(|| {
                            let joined: String = phrase.chars().filter(|c| *c != ' ').collect();
                            (joined.chars().collect(), letters(&joined))
                        }),
                        weight: weight * (1.0 + PHRASE_LENGTH_BONUS * (n_words as f32 - 1.0)),
                        words,
                    }
                })
                .collect();
            index.phrases.push(phrases);
        }
        index
    }

    fn word_id(&mut self, word: &str) -> usize {
        if let Some(id) = self.lookup.get(word) {
            return *id;
        }
        let id = self.vocabulary.len();
        let letters = letters(word);
        self.shapes.push(Shape::of(word, letters.as_ref()));
        self.vocabulary.push(VocabularyWord {
            text: word.to_owned(),
            chars: word.chars().collect(),
            mask: letters.as_ref().map_or(0, mask),
            letters,
        });
        self.lookup.insert(word.to_owned(), id);
        id
    }

    /// The best of `templates` (the ones this index was built from) for `request`, or `None`
    /// when no phrase matches at all.
    pub(crate) fn best<'a>(
        &self,
        templates: &'a [Template],
        request: &str,
    ) -> Option<IntentMatch<'a>> {
        let words = words(request);
        if words.is_empty() {
            return None;
        }
        let mut quality = vec![0.0f32; self.vocabulary.len()];
        let mut request_chars: Vec<(Vec<char>, Option<[u8; 26]>)> = Vec::new();
        for word in &words {
            // A request word that is itself in the vocabulary means what it says: "timer"
            // must not also count as a misspelt "time".
            let exact = self.lookup.get(word.as_str()).copied();
            if let Some(id) = exact {
                quality[id] = 1.0;
            }
            let chars: Vec<char> = word.chars().collect();
            let word_letters = letters(word);
            // Words under three bytes only ever match exactly: neither a stem nor a fuzzy
            // match takes them (a run-together phrase still may, below).
            if word.len() < 3 {
                if exact.is_none() {
                    request_chars.push((chars, word_letters));
                }
                continue;
            }
            let word_mask = word_letters.as_ref().map_or(0, mask);
            let shape = Shape::of(word, word_letters.as_ref());
            for (id, known_shape) in self.shapes.iter().enumerate() {
                if Some(id) == exact || !shape.may_match(*known_shape, exact.is_none()) {
                    continue;
                }
                let known = &self.vocabulary[id];
                let similarity = if same_stem(&known.text, word) {
                    0.95
                } else if exact.is_some() {
                    0.0
                } else {
                    fuzzy_similarity(known, &chars, word_letters.as_ref(), word_mask)
                };
                quality[id] = quality[id].max(similarity);
            }
            if exact.is_none() {
                request_chars.push((chars, word_letters));
            }
        }
        let mut best: Option<IntentMatch<'a>> = None;
        for (template, phrases) in templates.iter().zip(&self.phrases) {
            let (mut top, mut total) = (0.0f32, 0.0f32);
            for phrase in phrases {
                let score = phrase_score(phrase, &quality, &request_chars);
                top = top.max(score);
                total += score;
            }
            let score = if top > 0.0 {
                top + SUPPORT_SHARE * (total - top).min(1.0)
            } else {
                0.0
            };
            if score > best.map_or(0.0, |found| found.confidence) {
                best = Some(IntentMatch {
                    template,
                    confidence: score,
                });
            }
        }
        best.map(|found| IntentMatch {
            confidence: found.confidence.min(1.0),
            ..found
        })
    }
}

/// The lowercased content words of `text`, filler removed.
pub(crate) fn words(text: &str) -> Vec<String> {
    text.to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|word| !word.is_empty() && !STOPWORDS.contains(word))
        .map(str::to_owned)
        .collect()
}

/// How well a phrase occurs, weighted by its length; 0 when some word is missing.
fn phrase_score(
    phrase: &Phrase,
    quality: &[f32],
    request_chars: &[(Vec<char>, Option<[u8; 26]>)],
) -> f32 {
    let mut total = 0.0;
    for word in &phrase.words {
        let q = quality[*word];
        if q == 0.0 {
            total = 0.0;
            break;
        }
        total += q;
    }
    let mut score = total / phrase.words.len() as f32;
    if let Some((joined, joined_letters)) = &phrase.joined {
        // A run-together phrase must be spelled almost exactly: trigram overlap would let
        // "gradecalculator" match a request that only says "calculator".
        for (word, word_letters) in request_chars {
            if word.len().abs_diff(joined.len()) > 1 {
                continue;
            }
            let close_letters = match (joined_letters, word_letters) {
                (Some(a), Some(b)) => letter_distance(a, b) <= 2,
                _ => true,
            };
            if close_letters {
                match edit_distance_within(joined, word, 1) {
                    Some(0) => score = score.max(1.0),
                    Some(1) => score = score.max(0.85),
                    _ => {}
                }
            }
        }
    }
    score * phrase.weight
}

/// Similarity of a vocabulary word and a request word that are neither equal nor plurals of
/// each other: edit distance first, then trigram overlap, each behind cheap filters.
fn fuzzy_similarity(
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
fn letter_distance(a: &[u8; 26], b: &[u8; 26]) -> usize {
    // Byte-wide differences summed in 16 bits: a shape the compiler turns into vector code.
    let total: u16 = a
        .iter()
        .zip(b)
        .map(|(x, y)| u16::from(x.abs_diff(*y)))
        .sum();
    usize::from(total)
}

/// Which letters `counts` has at least one of, as bits.
fn mask(counts: &[u8; 26]) -> u32 {
    counts
        .iter()
        .enumerate()
        .filter(|(_, n)| **n > 0)
        .fold(0, |bits, (i, _)| bits | 1 << i)
}

/// Letter counts of an ASCII word; `None` for other words (no filter then).
fn letters(word: &str) -> Option<[u8; 26]> {
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
fn same_stem(a: &str, b: &str) -> bool {
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
    matches!(ending, "s" | "es" | "ing" | "ed" | "d")
}

/// Longest word compared by [`edit_distance_within`].
const MAX_EDIT_CHARS: usize = 47;

/// Optimal-string-alignment distance (insertions, deletions, substitutions, adjacent swaps)
/// when it is at most `max` (at most 2), else `None`; `None` also for words longer than
/// [`MAX_EDIT_CHARS`]. Only the diagonal band `|i - j| <= max` is computed (a cell outside it is
/// already more than `max`), and a row with nothing within `max` ends the search.
fn edit_distance_within(a: &[char], b: &[char], max: usize) -> Option<usize> {
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

/// Jaccard overlap of the padded character trigrams of two words.
fn trigram_similarity(a: &[char], b: &[char]) -> f32 {
    fn trigrams(word: &[char]) -> Vec<[char; 3]> {
        let padded: Vec<char> = std::iter::once(' ')
            .chain(word.iter().copied())
            .chain(std::iter::once(' '))
            .collect();
        let mut grams: Vec<[char; 3]> = padded.windows(3).map(|w| [w[0], w[1], w[2]]).collect();
        grams.sort_unstable();
        grams.dedup();
        grams
    }
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
        let known = VocabularyWord {
            text: expected.to_owned(),
            chars: chars(expected),
            letters: letters(expected),
            mask: letters(expected).as_ref().map_or(0, mask),
        };
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

    #[test]
    fn filler_words_are_dropped() {
        assert_eq!(
            words("Could you MAKE a simple Pomodoro-timer, please?"),
            ["you", "a", "pomodoro", "timer"]
        );
        assert!(words("please make something").is_empty());
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

        #[test]
        fn any_request_scores_within_bounds(request in "\\PC{0,80}") {
            let library = crate::TemplateLibrary::builtin();
            if let Some(found) = library.best_match(&request) {
                proptest::prop_assert!((0.0..=1.0).contains(&found.confidence));
            }
        }
    }
}
