//! Intent matching: which template a request asks for, robust to phrasing, synonyms and typos.
//!
//! A request is lowercased, split into words and stripped of filler ("make me a … app"). Each
//! template phrase is matched word by word: exact, plural-stem, edit distance (one edit for
//! words of 4+ letters, two for 8+), or character-trigram overlap; a multi-word phrase may also
//! match one run-together word ("todolist"). A template scores its best phrase (longer phrases
//! weigh more), plus a little for every other phrase that matches.

use std::collections::HashSet;

use crate::template::Template;

/// A request word, and whether it may only match exactly (or by plural).
struct Word {
    text: String,
    exact_only: bool,
}

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

/// The best template for `request`, or `None` when no phrase matches at all.
pub(crate) fn best<'a>(templates: &'a [Template], request: &str) -> Option<IntentMatch<'a>> {
    let words = words(request);
    if words.is_empty() {
        return None;
    }
    // A request word that is itself in the vocabulary means what it says: "timer" must not
    // also count as a misspelt "time".
    let vocabulary: HashSet<&str> = templates
        .iter()
        .flat_map(|template| template.keywords.iter().chain(template.related))
        .flat_map(|phrase| phrase.split(' '))
        .collect();
    let words: Vec<Word> = words
        .into_iter()
        .map(|text| Word {
            exact_only: vocabulary.contains(text.as_str()),
            text,
        })
        .collect();
    let mut best: Option<IntentMatch<'a>> = None;
    for template in templates {
        let score = score(template, &words);
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

/// The lowercased content words of `text`, filler removed.
pub(crate) fn words(text: &str) -> Vec<String> {
    text.to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|word| !word.is_empty() && !STOPWORDS.contains(word))
        .map(str::to_owned)
        .collect()
}

fn score(template: &Template, words: &[Word]) -> f32 {
    let mut scores: Vec<f32> = template
        .keywords
        .iter()
        .map(|phrase| phrase_score(phrase, words))
        .chain(
            template
                .related
                .iter()
                .map(|phrase| phrase_score(phrase, words) * RELATED_WEIGHT),
        )
        .filter(|score| *score > 0.0)
        .collect();
    scores.sort_by(|a, b| b.total_cmp(a));
    let Some((best, rest)) = scores.split_first() else {
        return 0.0;
    };
    best + SUPPORT_SHARE * rest.iter().sum::<f32>().min(1.0)
}

/// How well `phrase` occurs in `words`, weighted by its length; 0 when some word is missing.
fn phrase_score(phrase: &str, words: &[Word]) -> f32 {
    let phrase_words: Vec<&str> = phrase.split(' ').collect();
    let n_words = phrase_words.len();
    let mut total = 0.0;
    for phrase_word in &phrase_words {
        let quality = words
            .iter()
            .map(|word| match word.exact_only {
                true if *phrase_word == word.text => 1.0,
                true if same_stem(phrase_word, &word.text) => 0.95,
                true => 0.0,
                false => word_similarity(phrase_word, &word.text),
            })
            .fold(0.0, f32::max);
        if quality == 0.0 {
            total = 0.0;
            break;
        }
        total += quality;
    }
    let mut quality = total / n_words as f32;
    if n_words > 1 {
        let joined: String = phrase_words.concat();
        // A run-together phrase must be spelled almost exactly: trigram overlap would let
        // "gradecalculator" match a request that only says "calculator".
        let run_together = words
            .iter()
            .map(|word| match edit_distance(&joined, &word.text) {
                0 => 1.0,
                1 => 0.85,
                _ => 0.0,
            })
            .fold(0.0, f32::max);
        quality = quality.max(run_together);
    }
    quality * (1.0 + PHRASE_LENGTH_BONUS * (n_words as f32 - 1.0))
}

/// Similarity of a phrase word and a request word in `0.0..=1.0`.
fn word_similarity(expected: &str, actual: &str) -> f32 {
    if expected == actual {
        return 1.0;
    }
    if same_stem(expected, actual) {
        return 0.95;
    }
    let (n_expected, n_actual) = (expected.chars().count(), actual.chars().count());
    let shortest = n_expected.min(n_actual);
    if shortest < 3 || n_expected.max(n_actual) < 4 {
        return 0.0;
    }
    let distance = edit_distance(expected, actual);
    if distance == 1 {
        return if shortest >= 4 { 0.85 } else { 0.8 };
    }
    if shortest < 4 {
        return 0.0;
    }
    if distance == 2 && shortest >= 7 {
        return 0.75;
    }
    if shortest >= 5 && trigram_similarity(expected, actual) >= 0.5 {
        return 0.7;
    }
    0.0
}

/// True when one word is the other plus a plural or verb ending (`note`/`notes`,
/// `category`/`categories`, `track`/`tracking`).
fn same_stem(a: &str, b: &str) -> bool {
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    if short.chars().count() < 3 {
        return false;
    }
    let Some(ending) = long.strip_prefix(short) else {
        return short
            .strip_suffix('y')
            .is_some_and(|base| long.strip_prefix(base) == Some("ies"));
    };
    matches!(ending, "s" | "es" | "ing" | "ed" | "d")
}

/// Optimal-string-alignment distance: insertions, deletions, substitutions and adjacent swaps.
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let width = b.len() + 1;
    let mut table = vec![0usize; (a.len() + 1) * width];
    for (i, cell) in table.iter_mut().step_by(width).enumerate() {
        *cell = i;
    }
    for (j, cell) in table.iter_mut().take(width).enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (table[(i - 1) * width + j] + 1)
                .min(table[i * width + j - 1] + 1)
                .min(table[(i - 1) * width + j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(table[(i - 2) * width + j - 2] + 1);
            }
            table[i * width + j] = best;
        }
    }
    table[a.len() * width + b.len()]
}

/// Jaccard overlap of the padded character trigrams of two words.
fn trigram_similarity(a: &str, b: &str) -> f32 {
    fn trigrams(word: &str) -> Vec<[char; 3]> {
        let padded: Vec<char> = std::iter::once(' ')
            .chain(word.chars())
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

    #[test]
    fn edit_distance_counts_swaps_as_one() {
        assert_eq!(edit_distance("calculator", "calculater"), 1);
        assert_eq!(edit_distance("todo", "tood"), 1);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
    }

    #[test]
    fn similarity_tiers() {
        assert_eq!(word_similarity("timer", "timer"), 1.0);
        assert_eq!(word_similarity("note", "notes"), 0.95);
        assert_eq!(word_similarity("calculator", "calculater"), 0.85);
        assert_eq!(
            word_similarity("tip", "top"),
            0.0,
            "short words need an exact match"
        );
        assert!(trigram_similarity("flashcards", "flashcard") > 0.5);
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
        fn any_request_scores_within_bounds(request in "\\PC{0,80}") {
            let templates = crate::TemplateLibrary::builtin();
            if let Some(found) = best(templates.templates(), &request) {
                proptest::prop_assert!((0.0..=1.0).contains(&found.confidence));
            }
        }
    }
}
