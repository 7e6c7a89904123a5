//! The matcher as it was before it was indexed, kept to check the indexed one against: every
//! request word is compared with every vocabulary word (behind cheap shape filters), and every
//! template's phrases are scored. The indexed matcher must agree with it exactly — the same
//! template and the same confidence, bit for bit — on the intent corpus, on every phrase of
//! every template with typos, and on random requests.

use super::{
    IntentIndex, IntentMatch, Leader, Phrase,
    similarity::{
        edit_distance_within, fuzzy_similarity, letter_distance, letters, mask, same_stem,
    },
    template_score, words,
};
use crate::template::Template;

/// The best of `templates` (the ones `index` was built from) for `request`, or `None` when no
/// phrase matches at all: every request word compared with every vocabulary word.
pub(super) fn best<'a>(
    index: &IntentIndex,
    templates: &'a [Template],
    request: &str,
) -> Option<IntentMatch<'a>> {
    let words = words(request);
    if words.is_empty() {
        return None;
    }
    let shapes: Vec<Shape> = index
        .vocabulary
        .iter()
        .map(|known| Shape::of(&known.text, known.letters.as_ref()))
        .collect();
    let mut quality = vec![0.0f32; index.vocabulary.len()];
    let mut request_chars: Vec<(Vec<char>, Option<[u8; 26]>)> = Vec::new();
    for word in &words {
        // A request word that is itself in the vocabulary means what it says: "timer"
        // must not also count as a misspelt "time".
        let exact = index.lookup.get(word.as_str()).copied();
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
        for (id, known_shape) in shapes.iter().enumerate() {
            if Some(id) == exact || !shape.may_match(*known_shape, exact.is_none()) {
                continue;
            }
            let known = &index.vocabulary[id];
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
    // The per-template sum and the choice are shared with the index: the reference checks
    // which words are compared and how, not how phrase scores add up.
    let mut best = Leader::default();
    for (template, phrases) in templates.iter().zip(&index.phrases) {
        let scores = phrases
            .iter()
            .map(|phrase| phrase_score(phrase, &quality, &request_chars));
        best.offer(template, template_score(scores));
    }
    best.into_match()
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

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use crate::TemplateLibrary;

    /// Asserts that the indexed matcher and the scan agree on `request`; returns whether some
    /// template matched.
    fn agree(library: &TemplateLibrary, request: &str) -> bool {
        let fast = library.best_match(request);
        let slow = super::best(library.intent_index(), library.templates(), request);
        match (fast, slow) {
            (None, None) => false,
            (Some(fast), Some(slow)) => {
                assert_eq!(
                    (fast.template.kind, fast.confidence.to_bits()),
                    (slow.template.kind, slow.confidence.to_bits()),
                    "{request:?}: indexed {} {}, scan {} {}",
                    fast.template.kind,
                    fast.confidence,
                    slow.template.kind,
                    slow.confidence
                );
                true
            }
            (fast, slow) => panic!(
                "{request:?}: indexed {:?}, scan {:?}",
                fast.map(|found| found.template.kind),
                slow.map(|found| found.template.kind)
            ),
        }
    }

    /// `word` with each kind of typo at each position: a letter dropped, doubled, replaced,
    /// swapped with the next, and an ending added.
    fn typos(word: &str) -> Vec<String> {
        let chars: Vec<char> = word.chars().collect();
        let mut out = Vec::new();
        for i in 0..chars.len() {
            let mut dropped = chars.clone();
            dropped.remove(i);
            out.push(dropped.iter().collect());
            let mut doubled = chars.clone();
            doubled.insert(i, chars[i]);
            out.push(doubled.iter().collect());
            let mut replaced = chars.clone();
            replaced[i] = if chars[i] == 'e' { 'a' } else { 'e' };
            out.push(replaced.iter().collect());
            if i + 1 < chars.len() {
                let mut swapped = chars.clone();
                swapped.swap(i, i + 1);
                out.push(swapped.iter().collect());
            }
        }
        for ending in ["s", "es", "ing", "ed", "ies"] {
            out.push(format!("{word}{ending}"));
        }
        out
    }

    #[test]
    fn the_intent_corpus_scores_the_same() {
        let library = TemplateLibrary::builtin();
        let corpus = include_str!("../../tests/data/intents.tsv");
        let (mut n, mut matched) = (0, 0);
        for line in corpus.lines() {
            if let Some((_, request)) = line.split_once('\t')
                && !line.starts_with('#')
            {
                matched += usize::from(agree(&library, request));
                n += 1;
            }
        }
        assert!(n >= 150, "{n} phrasings");
        assert!(matched * 10 > n * 9, "{matched} of {n} matched");
    }

    #[test]
    fn every_phrase_with_typos_scores_the_same() {
        let library = TemplateLibrary::builtin();
        let phrases: Vec<&str> = library
            .templates()
            .iter()
            .flat_map(|template| template.keywords.iter().chain(template.related))
            .copied()
            .collect();
        let mut requests = Vec::new();
        for (i, phrase) in phrases.iter().enumerate() {
            requests.push(phrase.to_string());
            requests.push(format!("make me a {phrase} app for the party"));
            requests.push(phrase.replace(' ', ""));
            requests.push(format!("{phrase} {}", phrases[(i * 7 + 3) % phrases.len()]));
            let words: Vec<&str> = phrase.split(' ').collect();
            for (w, word) in words.iter().enumerate() {
                for typo in typos(word) {
                    let mut typed = words.clone();
                    typed[w] = &typo;
                    requests.push(typed.join(" "));
                    if words.len() > 1 {
                        requests.push(typed.join(""));
                    }
                }
            }
            for typo in typos(&phrase.replace(' ', "")) {
                requests.push(typo);
            }
        }
        let matched = requests
            .iter()
            .filter(|request| agree(&library, request))
            .count();
        assert!(requests.len() > 10_000, "{} requests", requests.len());
        assert!(matched * 10 > requests.len() * 9, "{matched} matched");
    }

    #[test]
    fn unmatched_requests_score_the_same() {
        let library = TemplateLibrary::builtin();
        for request in [
            "an inventory of my lab reagents",
            "a haiku garden",
            "zzzz qqqq",
            "a b c d e f g",
            "ünïcödé wörds and 数字 42",
            "",
            "   ",
            &"x".repeat(200),
            &"abcdefghij".repeat(8),
        ] {
            agree(&library, request);
        }
    }

    /// A request word for the property: a vocabulary word with up to two typos, or a random
    /// word.
    fn token(vocabulary: Vec<String>) -> impl Strategy<Value = String> {
        let n = vocabulary.len();
        prop_oneof![
            (
                0..n,
                proptest::collection::vec((0usize..4, 0usize..16, "[a-z]"), 0..3)
            )
                .prop_map(move |(i, edits)| {
                    let mut chars: Vec<char> = vocabulary[i].chars().collect();
                    for (op, at, letter) in edits {
                        let at = at % (chars.len() + 1);
                        let letter = letter.chars().next().unwrap_or('e');
                        match op {
                            0 if at < chars.len() => {
                                chars.remove(at);
                            }
                            1 => chars.insert(at, letter),
                            2 if at < chars.len() => chars[at] = letter,
                            3 if at + 1 < chars.len() => chars.swap(at, at + 1),
                            _ => {}
                        }
                    }
                    chars.into_iter().collect()
                }),
            "[a-z]{1,12}",
            "\\PC{1,12}",
        ]
    }

    proptest! {
        #[test]
        fn random_requests_score_the_same(
            tokens in proptest::collection::vec(
                token(
                    TemplateLibrary::builtin()
                        .intent_index()
                        .vocabulary
                        .iter()
                        .map(|known| known.text.clone())
                        .collect(),
                ),
                0..6,
            ),
            glue in "[ ,.-]|",
        ) {
            let library = TemplateLibrary::builtin();
            let separator = if glue.is_empty() { " " } else { glue.as_str() };
            agree(&library, &tokens.join(separator));
            agree(&library, &tokens.concat());
        }

        #[test]
        fn arbitrary_text_scores_the_same(request in "\\PC{0,60}") {
            agree(&TemplateLibrary::builtin(), &request);
        }
    }
}
