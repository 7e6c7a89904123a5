//! Every template generated from a request, launched in the app runtime, and its main
//! interaction exercised with real clicks and changes (the `timer.*`, `system.*` and
//! `filesystem.*` templates are in `template_interactions_timers.rs`).

mod common;

use agentos_ai::TemplateLibrary;
use agentos_tools::Registry;
use common::launch;

fn close(actual: f64, expected: f64) {
    assert!(
        (actual - expected).abs() < 1e-6 * expected.abs().max(1.0),
        "{actual} != {expected}"
    );
}

#[test]
fn every_binding_names_an_implemented_tool() {
    let registry = Registry::builtin();
    for template in TemplateLibrary::builtin().templates() {
        let blueprint = agentos_blueprint::parse(template.source).blueprint;
        let hooks = blueprint
            .ui
            .lifecycle
            .values()
            .flatten()
            .map(String::as_str);
        let bound = blueprint
            .ui
            .all_components()
            .flat_map(|c| c.on_event.values().map(|b| b.tool.as_str()));
        for tool in hooks.chain(bound) {
            assert!(
                registry.contains(tool),
                "{}: unknown tool {tool}",
                template.kind
            );
        }
    }
}

#[test]
fn calculator_computes() {
    let app = launch("calculator", "calculator");
    for key in ["btn-1", "btn-2", "btn-multiply", "btn-3", "btn-equals"] {
        app.click(key);
    }
    assert_eq!(app.text("display"), "36");
    app.click("btn-backspace");
    assert_eq!(app.text("display"), "3");
    app.click("btn-clear");
    assert_eq!(app.text("display"), "0");
}

#[test]
fn scientific_calculator_evaluates_functions_and_powers() {
    let app = launch("scientific-calculator", "scientific calculator");
    for key in [
        "btn-sqrt",
        "btn-1",
        "btn-6",
        "btn-close",
        "btn-add",
        "btn-2",
        "btn-power",
        "btn-3",
        "btn-equals",
    ] {
        app.click(key);
    }
    assert_eq!(app.text("display"), "12");
}

#[test]
fn counter_counts_and_resets() {
    let app = launch("counter", "counter");
    for key in ["increment", "increment", "increment", "decrement"] {
        app.click(key);
    }
    assert_eq!(app.text("count"), "2");
    app.click("reset");
    assert_eq!(app.text("count"), "0");
}

fn list_round_trip(kind: &str, input: &str, add: &str, list: &str) {
    let app = launch(kind, kind);
    app.change(input, "first");
    app.click(add);
    app.change(input, "second");
    app.click(add);
    assert_eq!(app.list_texts(list), ["first", "second"], "{kind}");
    assert_eq!(
        app.text(input),
        "",
        "{kind}: the input is cleared after adding"
    );
    app.click_item(list, "item-1");
    app.click("remove-done");
    assert_eq!(app.list_texts(list), ["second"], "{kind}");
    app.click("clear-all");
    assert!(app.list_texts(list).is_empty(), "{kind}");
}

#[test]
fn list_apps_add_check_and_clear() {
    list_round_trip("todo", "task-input", "add", "list");
    list_round_trip("shopping-list", "item-input", "add", "list");
    list_round_trip("habit-tracker", "habit-input", "add", "habits");
    list_round_trip("reading-list", "book-input", "add", "books");
    list_round_trip("contact-list", "contact-input", "add", "contacts");
    list_round_trip("packing-list", "item-input", "add", "items");
    list_round_trip("meal-planner", "meal-input", "add", "meals");
}

#[test]
fn shopping_list_for_the_party_is_titled_and_empty() {
    let app = launch("shopping-list", "a shopping list for the party");
    assert_eq!(app.text("title"), "Shopping List for the party");
    assert!(app.list_texts("list").is_empty());
}

#[test]
fn habit_tracker_counts_a_streak() {
    let app = launch("habit-tracker", "habit tracker");
    app.click("streak-up");
    app.click("streak-up");
    assert_eq!(app.text("streak"), "2");
    app.click("streak-reset");
    assert_eq!(app.text("streak"), "0");
}

#[test]
fn notes_save_clear_and_restore() {
    let app = launch("notes", "notes");
    app.change("note", "hello world");
    app.click("save");
    assert_eq!(app.text("saved"), "hello world");
    app.click("clear");
    assert_eq!(app.text("note"), "");
    app.click("restore");
    assert_eq!(app.text("note"), "hello world");
}

#[test]
fn markdown_notes_preview_the_editor() {
    let app = launch("markdown-notes", "markdown notes");
    app.change("editor", "# Title\n\n*hi*");
    app.click("render");
    assert_eq!(app.text("preview"), "# Title\n\n*hi*");
}

#[test]
fn converters_update_as_you_type() {
    let app = launch("unit-converter", "unit converter");
    app.change("km", "10");
    close(app.number("miles"), 6.21371);
    app.change("kg", "2");
    close(app.number("pounds"), 4.40924);
    app.change("celsius", "100");
    assert_eq!(app.text("fahrenheit"), "212");

    let app = launch("temperature-converter", "temperature converter");
    app.change("celsius", "-40");
    assert_eq!(app.text("fahrenheit"), "-40");
    app.change("fahrenheit-in", "212");
    assert_eq!(app.text("celsius-out"), "100");
    app.change("kelvin", "300");
    close(app.number("kelvin-celsius"), 26.85);
}

#[test]
fn currency_converter_takes_the_amount_and_editable_rates() {
    let app = launch("currency-converter", "convert 80 dollars to pounds");
    assert_eq!(app.text("amount"), "80");
    app.click("rate-gbp");
    app.click("convert");
    close(app.number("converted"), 63.2);
    app.change("rate", "2");
    assert_eq!(app.text("converted"), "160");
}

#[test]
fn tip_calculator_fills_bill_percent_and_people() {
    let app = launch(
        "tip-calculator",
        "tip calculator for a $80 bill with a 20% tip for 4 people",
    );
    assert_eq!(
        (
            app.text("bill"),
            app.text("tip-percent"),
            app.text("people")
        ),
        ("80".into(), "20".into(), "4".into())
    );
    app.click("calculate");
    assert_eq!(app.text("total-per-person"), "24");
    app.click("calculate-tip");
    assert_eq!(app.text("tip-amount"), "16");
    app.click("tip-10");
    app.click("calculate");
    assert_eq!(app.text("total-per-person"), "22");
}

#[test]
fn bill_splitter_shares_evenly() {
    let app = launch("bill-splitter", "split a $120 bill between 4 friends");
    app.click("split");
    assert_eq!(app.text("share"), "30");
    app.change("people", "3");
    app.click("split");
    assert_eq!(app.text("share"), "40");
}

#[test]
fn loan_calculator_amortises() {
    let app = launch("loan-calculator", "loan calculator");
    app.click("calculate");
    let monthly_rate: f64 = 5.0 / 1200.0;
    let expected = 10000.0 * monthly_rate / (1.0 - (1.0 + monthly_rate).powf(-60.0));
    close(app.number("payment"), (expected * 1e9).round() / 1e9);
    app.click("total");
    assert!((app.number("total-paid") - expected * 60.0).abs() < 1e-3);
}

#[test]
fn small_calculators_give_their_answers() {
    let app = launch("bmi-calculator", "bmi");
    app.click("calculate");
    assert!((app.number("bmi") - 22.857142857).abs() < 1e-6);

    let app = launch("percentage-calculator", "percentage calculator");
    app.click("percent-of");
    assert_eq!(app.text("result"), "20");
    app.click("as-percent");
    assert_eq!(app.text("result"), "5");

    let app = launch(
        "discount-calculator",
        "discount calculator for $200 at 30% off",
    );
    app.click("calculate");
    assert_eq!(app.text("sale-price"), "140");
    app.click("savings");
    assert_eq!(app.text("saved"), "60");

    let app = launch("grade-calculator", "grade average");
    app.change("score-1", "80");
    app.change("score-2", "90");
    app.change("score-3", "100");
    app.click("calculate");
    assert_eq!(app.text("average"), "90");

    let app = launch("budget-planner", "monthly budget");
    app.click("calculate");
    assert_eq!(app.text("balance"), "1300");

    let app = launch("fuel-cost-calculator", "fuel cost");
    app.click("calculate");
    close(app.number("cost"), 11.7);
}

#[test]
fn expense_tracker_logs_items_and_totals_amounts() {
    let app = launch("expense-tracker", "expense tracker");
    app.change("expense-input", "coffee");
    app.change("amount", "3.5");
    app.click("add");
    app.click("add-to-total");
    app.change("amount", "10");
    app.click("add-to-total");
    assert_eq!(app.list_texts("expenses"), ["coffee"]);
    assert_eq!(app.text("total"), "13.5");
    app.click_item("expenses", "item-1");
    assert!(app.list_texts("expenses").is_empty());
    app.click("reset-total");
    assert_eq!(app.text("total"), "0");
}

#[test]
fn journal_adds_and_removes_entries() {
    let app = launch("journal", "journal");
    app.change("entry-input", "A good day.");
    app.click("add");
    assert_eq!(app.list_texts("entries"), ["A good day."]);
    app.click_item("entries", "item-1");
    assert!(app.list_texts("entries").is_empty());
}

#[test]
fn kanban_board_adds_cards_to_columns() {
    let app = launch("kanban-board", "kanban");
    app.change("card-input", "design");
    app.click("add-todo");
    app.change("card-input", "build");
    app.click("add-doing");
    assert_eq!(app.list_texts("todo"), ["design"]);
    assert_eq!(app.list_texts("doing"), ["build"]);
    app.click_item("todo", "item-1");
    app.click("todo-clear-done");
    assert!(app.list_texts("todo").is_empty());
}

#[test]
fn flashcards_set_reveal_and_score() {
    let app = launch("flashcards", "flashcards");
    app.change("front-input", "2 + 2?");
    app.click("set-card");
    assert_eq!(app.text("front"), "2 + 2?");
    assert_eq!(app.get("revealed"), false);
    app.change("revealed", true);
    assert_eq!(app.get("revealed"), true);
    app.click("got-it");
    app.click("missed");
    app.click("got-it");
    assert_eq!(
        (app.text("known"), app.text("unknown")),
        ("2".into(), "1".into())
    );
}

#[test]
fn quiz_scores_answers() {
    let app = launch("quiz", "quiz");
    app.click("q1-1");
    app.click("q2-1");
    app.click("q3-0");
    app.click("score-button");
    assert_eq!(app.text("score"), "2");
    app.click("q3-1");
    app.click("score-button");
    assert_eq!(app.text("score"), "3");
}

#[test]
fn color_picker_sets_swatches_and_measures_brightness() {
    let app = launch("color-picker", "color picker");
    app.click("swatch-red");
    assert_eq!(app.text("color"), "#e53935");
    for channel in ["red", "green", "blue"] {
        app.change(channel, 255);
    }
    app.click("brightness-button");
    assert_eq!(app.text("brightness"), "255");
}

#[test]
fn weather_dashboard_switches_city_from_local_data() {
    let app = launch("weather-dashboard", "weather");
    assert!(app.text("forecast").starts_with("Lisbon"));
    app.click("city-oslo");
    assert!(app.text("forecast").starts_with("Oslo: 4°C"));
    app.change("fahrenheit", true);
    assert_eq!(app.get("fahrenheit"), true);
}

#[test]
fn scoreboard_and_water_tracker_count() {
    let app = launch("scoreboard", "scoreboard");
    app.click("home-plus");
    app.click("home-plus");
    app.click("away-plus");
    app.click("home-minus");
    assert_eq!(
        (app.text("home-score"), app.text("away-score")),
        ("1".into(), "1".into())
    );

    let app = launch("water-tracker", "water tracker");
    for _ in 0..4 {
        app.click("drink");
    }
    app.click("progress-button");
    assert_eq!(app.text("glasses"), "4");
    assert_eq!(app.text("percent"), "50");
}

#[test]
fn the_fallback_scratchpad_works_too() {
    let blueprint = TemplateLibrary::fallback("a haiku garden");
    let runtime = agentos_tools::Runtime::new(agentos_kernel::Kernel::new(), Registry::builtin());
    let id = runtime.launch(blueprint).unwrap();
    runtime
        .dispatch(
            id,
            &agentos_tools::UiEvent::change("item-input", "syllables".into()),
        )
        .unwrap();
    runtime
        .dispatch(id, &agentos_tools::UiEvent::click("add"))
        .unwrap();
    assert_eq!(runtime.state(id).unwrap()["items"][0]["text"], "syllables");
}

#[tokio::test]
async fn every_template_is_generated_validated_and_launched_through_the_generator() {
    let generator = agentos_ai::Generator::offline();
    let runtime = agentos_tools::Runtime::new(agentos_kernel::Kernel::new(), Registry::builtin());
    for template in TemplateLibrary::builtin().templates() {
        let request = format!("make me a {}", template.keywords[0]);
        let blueprint = generator.generate(&request).await.unwrap();
        assert_eq!(blueprint.app.id, template.kind, "{request}");
        let app = runtime.launch(blueprint).unwrap();
        assert!(
            runtime.state(app).unwrap().contains_key("title"),
            "{}",
            template.kind
        );
        runtime.close(app).unwrap();
    }
}

#[test]
fn compound_interest_grows_the_principal() {
    let app = launch(
        "compound-interest-calculator",
        "compound interest on $2000 at 4%",
    );
    assert_eq!(
        (app.text("principal"), app.text("rate")),
        ("2000".into(), "4".into())
    );
    app.click("calculate");
    let expected = 2000.0 * (1.0f64 + 0.04 / 12.0).powf(120.0);
    assert!(
        (app.number("future-value") - expected).abs() < 1e-6,
        "{}",
        app.text("future-value")
    );
    app.click("interest-earned");
    assert!((app.number("interest") - (expected - 2000.0)).abs() < 1e-6);
}

#[test]
fn calorie_counter_logs_foods_and_the_calories_left() {
    let app = launch("calorie-counter", "calorie counter");
    app.change("food-input", "apple");
    app.change("calories", "95");
    app.click("add");
    app.click("add-calories");
    assert_eq!(app.list_texts("foods"), ["apple"]);
    app.click("remaining-button");
    assert_eq!(app.text("remaining"), "1905");
    app.click("new-day");
    assert_eq!(app.text("total"), "0");
}

#[test]
fn poll_counts_votes() {
    let app = launch("poll", "a poll");
    app.click("vote-a");
    app.click("vote-b");
    app.click("vote-a");
    app.click("total-button");
    assert_eq!(
        (
            app.text("votes-a"),
            app.text("votes-b"),
            app.text("total-votes")
        ),
        ("2".into(), "1".into(), "3".into())
    );
    app.click("reset-a");
    assert_eq!(app.text("votes-a"), "0");
}

#[test]
fn savings_goal_counts_the_months_left() {
    let app = launch("savings-goal", "savings goal for $3000");
    assert_eq!(app.text("goal"), "3000");
    app.click("calculate");
    assert_eq!(app.text("months"), "8");
    app.click("deposit");
    app.click("calculate");
    assert_eq!(app.text("months"), "7");
}
