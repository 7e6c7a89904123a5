//! Intent matching: which template a request asks for, robust to phrasing, synonyms and typos.
//!
//! A request is lowercased, split into words and stripped of filler ("make me a … app"). Each
//! template phrase is matched word by word: exact, plural-stem, edit distance (one edit for
//! words of 4+ letters, two for 8+), or character-trigram overlap; a multi-word phrase may also
//! match one run-together word ("todolist"). A template scores its best phrase (longer phrases
//! weigh more), plus a little for every other phrase that matches.
//!
//! The matcher is indexed so that a word which matches nothing costs a few hash lookups: exact
//! and stem forms by hash, the fuzzy rules through a deletion-neighbourhood and a trigram index
//! ([`neighbours`]) that name the few words worth comparing, and only templates with a phrase
//! touched by the request are scored. The comparisons themselves ([`similarity`]) are the
//! same as a scan of every word would make, so the scores are identical (a test-only scan,
//! `reference`, checks it).

mod neighbours;
#[cfg(test)]
mod reference;
mod similarity;

use std::collections::HashMap;

use foldhash::fast::FixedState;

use self::{
    neighbours::{DeletionIndex, StemIndex, TrigramIndex},
    similarity::{
        VocabularyWord, edit_distance_within, fuzzy_similarity, letter_distance, letters, mask,
        same_stem,
    },
};
use crate::template::Template;

/// A template chosen for a request, with how sure the matcher is.
#[derive(Debug, Clone, Copy)]
pub struct IntentMatch<'a> {
    /// The chosen template.
    pub template: &'a Template,
    /// `0.0..=1.0`; [`crate::CONFIDENT`] and above answer offline.
    pub confidence: f32,
}

/// A template's score from its phrases' scores, in phrase order: the best one, plus
/// [`SUPPORT_SHARE`] of the others (at most 1 of them counted).
fn template_score(phrase_scores: impl IntoIterator<Item = f32>) -> f32 {
    let (mut top, mut total) = (0.0f32, 0.0f32);
    for score in phrase_scores {
        top = top.max(score);
        total += score;
    }
    if top > 0.0 {
        top + SUPPORT_SHARE * (total - top).min(1.0)
    } else {
        0.0
    }
}

/// The best-scoring template so far (the first of equals wins).
#[derive(Default)]
struct Leader<'a> {
    best: Option<IntentMatch<'a>>,
}

impl<'a> Leader<'a> {
    /// Takes `template` when it scores more than the leader.
    fn offer(&mut self, template: &'a Template, score: f32) {
        if score > self.best.map_or(0.0, |found| found.confidence) {
            self.best = Some(IntentMatch {
                template,
                confidence: score,
            });
        }
    }

    /// The winner, with its confidence capped at 1.
    fn into_match(self) -> Option<IntentMatch<'a>> {
        self.best.map(|found| IntentMatch {
            confidence: found.confidence.min(1.0),
            ..found
        })
    }
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

/// The phrases of every template, with their words numbered once, and the indexes that find
/// the words and run-together phrases a request word may stand for.
#[derive(Debug)]
pub(crate) struct IntentIndex {
    vocabulary: Vec<VocabularyWord>,
    lookup: HashMap<String, usize, FixedState>,
    /// Per template, its phrases.
    phrases: Vec<Vec<Phrase>>,
    /// Per vocabulary word, the templates with a phrase using it, ascending.
    templates_of: Vec<Vec<usize>>,
    /// Vocabulary words by the spellings an ending makes of them.
    stem_words: StemIndex,
    /// Vocabulary words within an edit or two of a word.
    near_words: DeletionIndex,
    /// Vocabulary words sharing trigrams with a word.
    trigram_words: TrigramIndex,
    /// The multi-word phrases run together, as (template, phrase in it).
    joined: Vec<(usize, usize)>,
    /// Run-together phrases within an edit of a word (ids index `joined`).
    near_joined: DeletionIndex,
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
            lookup: HashMap::default(),
            phrases: Vec::with_capacity(templates.len()),
            templates_of: Vec::new(),
            stem_words: StemIndex::default(),
            near_words: DeletionIndex::default(),
            trigram_words: TrigramIndex::default(),
            joined: Vec::new(),
            near_joined: DeletionIndex::default(),
        };
        for (t, template) in templates.iter().enumerate() {
            let keywords = template.keywords.iter().map(|phrase| (phrase, 1.0));
            let related = template
                .related
                .iter()
                .map(|phrase| (phrase, RELATED_WEIGHT));
            let phrases: Vec<Phrase> = keywords
                .chain(related)
                .map(|(phrase, weight)| {
                    let words: Vec<usize> =
                        phrase.split(' ').map(|word| index.word_id(word)).collect();
                    for word in &words {
                        if index.templates_of[*word].last() != Some(&t) {
                            index.templates_of[*word].push(t);
                        }
                    }
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
            for (p, phrase) in phrases.iter().enumerate() {
                if phrase.joined.is_some() {
                    index.joined.push((t, p));
                }
            }
            index.phrases.push(phrases);
        }
        let vocabulary = || index.vocabulary.iter().map(|known| known.chars.as_slice());
        index.near_words = DeletionIndex::new((0..).zip(vocabulary()), 2);
        let texts = || index.vocabulary.iter().map(|known| known.text.as_str());
        index.stem_words = StemIndex::new((0..).zip(texts()));
        index.trigram_words = TrigramIndex::new(vocabulary());
        let joined = index.joined.iter().enumerate().filter_map(|(id, (t, p))| {
            let (chars, _) = index.phrases[*t][*p].joined.as_ref()?;
            Some((id as u32, chars.as_slice()))
        });
        index.near_joined = DeletionIndex::new(joined, 1);
        index
    }

    fn word_id(&mut self, word: &str) -> usize {
        if let Some(id) = self.lookup.get(word) {
            return *id;
        }
        let id = self.vocabulary.len();
        let known = VocabularyWord::new(word);
        self.vocabulary.push(known);
        self.templates_of.push(Vec::new());
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
        let mut found = Found {
            quality: Vec::with_capacity(16),
            joined: Vec::new(),
        };
        let mut candidates = Vec::with_capacity(64);
        for word in &words {
            // A request word that is itself in the vocabulary means what it says: "timer"
            // must not also count as a misspelt "time".
            let exact = self.lookup.get(word.as_str()).copied();
            if let Some(id) = exact {
                found.raise(id, 1.0);
            }
            let chars: Vec<char> = word.chars().collect();
            // Words under three bytes only ever match exactly: neither a stem nor a fuzzy
            // match takes them (a run-together phrase still may, below).
            if word.len() >= 3 {
                self.stems(word, exact, &mut found);
            }
            if exact.is_some() {
                continue;
            }
            let word_letters = letters(word);
            if word.len() >= 3 {
                candidates.clear();
                self.near_words.candidates(&chars, 2, &mut candidates);

                // A trigram overlap only counts between words of five characters or more.
                if chars.len() >= 5 {
                    self.trigram_words.candidates(&chars, &mut candidates);
                }
                candidates.sort_unstable();
                candidates.dedup();
                let word_mask = word_letters.as_ref().map_or(0, mask);
                for id in &candidates {
                    let id = *id as usize;
                    let known = &self.vocabulary[id];
                    let similarity = if same_stem(&known.text, word) {
                        0.95
                    } else {
                        fuzzy_similarity(known, &chars, word_letters.as_ref(), word_mask)
                    };
                    found.raise(id, similarity);
                }
            }
            self.run_together(&chars, word_letters.as_ref(), &mut candidates, &mut found);
        }
        let mut touched: Vec<usize> = found
            .quality
            .iter()
            .flat_map(|(id, _)| self.templates_of[*id].iter().copied())
            .chain(found.joined.iter().map(|(t, _, _)| *t))
            .collect();
        touched.sort_unstable();
        touched.dedup();
        // A template no request word touched scores 0 and can never be the best: only the
        // touched ones are scored, in library order (the first of equals wins).
        let mut best = Leader::default();
        for t in touched {
            let (Some(template), Some(phrases)) = (templates.get(t), self.phrases.get(t)) else {
                continue;
            };
            let scores = phrases
                .iter()
                .enumerate()
                .map(|(p, phrase)| found.phrase_score(t, p, phrase));
            best.offer(template, template_score(scores));
        }
        best.into_match()
    }

    /// Raises to 0.95 every vocabulary word that is `word` less or plus a plural or verb
    /// ending (see [`same_stem`]), except `exact`, the word itself.
    fn stems(&self, word: &str, exact: Option<usize>, found: &mut Found) {
        for id in self.stem_words.candidates(word) {
            let id = *id as usize;
            if Some(id) != exact
                && let Some(known) = self.vocabulary.get(id)
                && same_stem(&known.text, word)
            {
                found.raise(id, 0.95);
            }
        }
    }

    /// Records the run-together phrases `chars` spells (exactly: 1.0, or with one edit: 0.85).
    /// A run-together phrase must be spelled almost exactly: trigram overlap would let
    /// "gradecalculator" match a request that only says "calculator".
    fn run_together(
        &self,
        chars: &[char],
        word_letters: Option<&[u8; 26]>,
        candidates: &mut Vec<u32>,
        found: &mut Found,
    ) {
        candidates.clear();
        self.near_joined.candidates(chars, 1, candidates);
        candidates.sort_unstable();
        candidates.dedup();
        for id in candidates.iter() {
            let Some(&(t, p)) = self.joined.get(*id as usize) else {
                continue;
            };
            let Some((joined, joined_letters)) = &self.phrases[t][p].joined else {
                continue;
            };
            if let Some(score) = joined_score(joined, joined_letters.as_ref(), chars, word_letters)
            {
                found.joined.push((t, p, score));
            }
        }
    }
}

/// How well one request word spells a run-together phrase: 1.0 exactly, 0.85 with one edit.
fn joined_score(
    joined: &[char],
    joined_letters: Option<&[u8; 26]>,
    word: &[char],
    word_letters: Option<&[u8; 26]>,
) -> Option<f32> {
    if word.len().abs_diff(joined.len()) > 1 {
        return None;
    }
    let close_letters = match (joined_letters, word_letters) {
        (Some(a), Some(b)) => letter_distance(a, b) <= 2,
        _ => true,
    };
    if !close_letters {
        return None;
    }
    match edit_distance_within(joined, word, 1) {
        Some(0) => Some(1.0),
        Some(1) => Some(0.85),
        _ => None,
    }
}

/// What a request's words matched.
struct Found {
    /// The vocabulary words some request word matches, with how well the best does (a word
    /// not listed matches with 0). A request touches few words: a list is cheaper than a
    /// table of the whole vocabulary.
    quality: Vec<(usize, f32)>,
    /// Run-together phrases a request word spells, as (template, phrase, score).
    joined: Vec<(usize, usize, f32)>,
}

impl Found {
    /// Records that vocabulary word `id` matches with `similarity` (the best match counts).
    fn raise(&mut self, id: usize, similarity: f32) {
        match self.quality.iter_mut().find(|(known, _)| *known == id) {
            Some((_, quality)) => *quality = quality.max(similarity),
            None if similarity > 0.0 => self.quality.push((id, similarity)),
            None => {}
        }
    }

    /// How well vocabulary word `id` is matched; 0 when it is not.
    fn quality(&self, id: usize) -> f32 {
        self.quality
            .iter()
            .find(|(known, _)| *known == id)
            .map_or(0.0, |(_, quality)| *quality)
    }

    /// How well phrase `p` of template `t` occurs, weighted by its length; 0 when some word
    /// is missing and no request word spells it run together.
    fn phrase_score(&self, t: usize, p: usize, phrase: &Phrase) -> f32 {
        let mut total = 0.0;
        for word in &phrase.words {
            let q = self.quality(*word);
            if q == 0.0 {
                total = 0.0;
                break;
            }
            total += q;
        }
        let mut score = total / phrase.words.len() as f32;
        for (_, _, joined) in self
            .joined
            .iter()
            .filter(|(in_template, in_phrase, _)| (*in_template, *in_phrase) == (t, p))
        {
            score = score.max(*joined);
        }
        score * phrase.weight
    }
}

/// The lowercased content words of `text`, filler removed.
pub(crate) fn words(text: &str) -> Vec<String> {
    text.to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        // Every filler word has four letters or more.
        .filter(|word| !word.is_empty() && (word.len() < 4 || !STOPWORDS.contains(word)))
        .map(str::to_owned)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filler_words_are_dropped() {
        assert_eq!(
            words("Could you MAKE a simple Pomodoro-timer, please?"),
            ["you", "a", "pomodoro", "timer"]
        );
        assert!(words("please make something").is_empty());
        assert!(
            STOPWORDS.iter().all(|word| word.len() >= 4),
            "`words` only looks up words of four letters or more"
        );
    }

    proptest::proptest! {
        #[test]
        fn any_request_scores_within_bounds(request in "\\PC{0,80}") {
            let library = crate::TemplateLibrary::builtin();
            if let Some(found) = library.best_match(&request) {
                proptest::prop_assert!((0.0..=1.0).contains(&found.confidence));
            }
        }
    }
}
