//! The built-in template catalogue: every kind, the phrases that select it and its slots.

use super::{Slot, Template};

/// Declares one catalogue entry whose Blueprint lives in `templates/<kind>.bp`.
macro_rules! template {
    ($kind:literal, [$($keyword:literal),* $(,)?], [$($related:literal),* $(,)?], [$($slot:expr),* $(,)?]) => {
        Template {
            kind: $kind,
            keywords: &[$($keyword),*],
            related: &[$($related),*],
            source: include_str!(concat!("../../templates/", $kind, ".bp")),
            slots: &[$($slot),*],
        }
    };
}

/// Every built-in template, in the order ties are broken.
pub(crate) const BUILTIN: &[Template] = &[
    template!(
        "calculator",
        [
            "calculator",
            "calc",
            "arithmetic",
            "add numbers",
            "adding machine"
        ],
        ["math", "numbers", "sum"],
        []
    ),
    template!(
        "scientific-calculator",
        [
            "scientific calculator",
            "scientific",
            "trigonometry",
            "trig",
            "sine cosine",
            "logarithm",
            "engineering calculator"
        ],
        ["calculator", "math", "sin", "cos", "log"],
        []
    ),
    template!(
        "counter",
        ["counter", "tally", "clicker", "tally counter", "increment"],
        ["count", "click", "plus one"],
        []
    ),
    template!(
        "todo",
        [
            "todo",
            "to do",
            "todo list",
            "to do list",
            "task list",
            "tasks",
            "checklist",
            "task tracker"
        ],
        ["list", "task", "chores", "things to do", "remember"],
        []
    ),
    template!(
        "notes",
        [
            "notes",
            "note",
            "notepad",
            "note taking",
            "scratchpad",
            "memo",
            "jot"
        ],
        ["write", "text", "editor", "sticky"],
        []
    ),
    template!(
        "markdown-notes",
        [
            "markdown",
            "markdown notes",
            "markdown editor",
            "md editor",
            "markdown preview"
        ],
        ["notes", "editor", "preview"],
        []
    ),
    template!(
        "unit-converter",
        [
            "unit converter",
            "units",
            "convert units",
            "kilometers to miles",
            "km to miles",
            "kg to pounds",
            "metric",
            "imperial",
            "measurement converter"
        ],
        ["converter", "convert", "kilometers", "miles", "pounds"],
        []
    ),
    template!(
        "temperature-converter",
        [
            "temperature converter",
            "temperature",
            "celsius",
            "fahrenheit",
            "kelvin",
            "degrees converter"
        ],
        ["converter", "convert", "degrees"],
        []
    ),
    template!(
        "currency-converter",
        [
            "currency converter",
            "currency",
            "exchange rate",
            "exchange rates",
            "forex",
            "dollars to euros",
            "money converter"
        ],
        ["converter", "convert", "rate", "euro", "dollar", "yen"],
        [Slot::Amount {
            component: "amount"
        }]
    ),
    template!(
        "tip-calculator",
        ["tip calculator", "tip", "tips", "gratuity", "tipping"],
        ["calculator", "restaurant", "bill", "percent"],
        [
            Slot::Amount { component: "bill" },
            Slot::Percent {
                component: "tip-percent"
            },
            Slot::People {
                component: "people"
            }
        ]
    ),
    template!(
        "bill-splitter",
        [
            "bill splitter",
            "split the bill",
            "split bill",
            "bill split",
            "splitting the bill",
            "divide the bill",
            "share the cost",
            "split costs"
        ],
        ["split", "bill", "friends", "share", "dinner"],
        [
            Slot::Amount { component: "bill" },
            Slot::People {
                component: "people"
            }
        ]
    ),
    template!(
        "loan-calculator",
        [
            "loan calculator",
            "loan",
            "mortgage",
            "amortization",
            "amortisation",
            "monthly payment",
            "car loan",
            "interest payments"
        ],
        ["calculator", "interest", "payment", "finance"],
        [
            Slot::Amount {
                component: "principal"
            },
            Slot::Percent { component: "rate" }
        ]
    ),
    template!(
        "bmi-calculator",
        ["bmi", "body mass index", "bmi calculator", "body mass"],
        ["weight", "height", "health", "calculator", "fitness"],
        []
    ),
    template!(
        "percentage-calculator",
        [
            "percentage calculator",
            "percentage",
            "percent calculator",
            "percent of"
        ],
        ["calculator", "percent", "ratio"],
        []
    ),
    template!(
        "discount-calculator",
        [
            "discount calculator",
            "discount",
            "sale price",
            "percent off",
            "price after discount"
        ],
        ["calculator", "sale", "shopping", "price"],
        [
            Slot::Amount { component: "price" },
            Slot::Percent {
                component: "discount"
            }
        ]
    ),
    template!(
        "grade-calculator",
        [
            "grade calculator",
            "grade average",
            "grades",
            "gpa",
            "average score",
            "test scores",
            "average calculator"
        ],
        ["calculator", "average", "score", "school"],
        []
    ),
    template!(
        "budget-planner",
        [
            "budget",
            "budget planner",
            "budgeting",
            "monthly budget",
            "income and expenses",
            "personal finance"
        ],
        ["money", "income", "savings", "planner"],
        [Slot::Amount {
            component: "income"
        }]
    ),
    template!(
        "fuel-cost-calculator",
        [
            "fuel cost",
            "fuel calculator",
            "gas cost",
            "trip cost",
            "petrol cost",
            "fuel consumption",
            "gas mileage",
            "road trip cost"
        ],
        ["fuel", "gas", "petrol", "car", "trip", "calculator"],
        []
    ),
    template!(
        "shopping-list",
        [
            "shopping list",
            "shopping",
            "groceries",
            "grocery list",
            "grocery",
            "things to buy",
            "buy list"
        ],
        ["list", "buy", "supermarket", "store"],
        []
    ),
    template!(
        "habit-tracker",
        [
            "habit tracker",
            "habits",
            "habit",
            "daily habits",
            "streak",
            "routine tracker"
        ],
        ["tracker", "daily", "routine"],
        []
    ),
    template!(
        "expense-tracker",
        [
            "expense tracker",
            "expenses",
            "expense",
            "spending tracker",
            "spending",
            "expense log",
            "track spending"
        ],
        ["money", "tracker", "cost", "receipts"],
        []
    ),
    template!(
        "reading-list",
        [
            "reading list",
            "books to read",
            "book list",
            "reading tracker",
            "books",
            "articles to read",
            "bookshelf"
        ],
        ["list", "read", "reading", "novels"],
        []
    ),
    template!(
        "contact-list",
        [
            "contact list",
            "contacts",
            "address book",
            "phone book",
            "contact manager",
            "rolodex"
        ],
        ["list", "people", "phone numbers", "emails"],
        []
    ),
    template!(
        "packing-list",
        [
            "packing list",
            "packing",
            "pack for",
            "travel checklist",
            "luggage"
        ],
        ["list", "trip", "travel", "vacation", "holiday"],
        []
    ),
    template!(
        "meal-planner",
        [
            "meal planner",
            "meal plan",
            "meals",
            "menu planner",
            "dinner planner",
            "recipes"
        ],
        ["food", "week", "planner", "dinner", "cooking"],
        []
    ),
    template!(
        "kanban-board",
        [
            "kanban",
            "kanban board",
            "trello",
            "scrum board",
            "task board",
            "project board"
        ],
        ["board", "columns", "cards", "project"],
        []
    ),
    template!(
        "flashcards",
        [
            "flashcards",
            "flash cards",
            "flashcard",
            "flash card",
            "study cards",
            "memory cards",
            "spaced repetition"
        ],
        ["study", "learn", "vocabulary", "cards", "memorize"],
        []
    ),
    template!(
        "quiz",
        [
            "quiz",
            "trivia",
            "multiple choice",
            "test yourself",
            "questionnaire",
            "quiz game"
        ],
        ["questions", "game", "answers", "test"],
        []
    ),
    template!(
        "color-picker",
        [
            "color picker",
            "colour picker",
            "color",
            "colour",
            "hex color",
            "palette",
            "rgb"
        ],
        ["picker", "design", "hex", "paint"],
        []
    ),
    template!(
        "weather-dashboard",
        [
            "weather",
            "weather dashboard",
            "forecast",
            "weather app",
            "weather station"
        ],
        ["dashboard", "temperature", "rain", "city"],
        []
    ),
    template!(
        "scoreboard",
        [
            "scoreboard",
            "score board",
            "score keeper",
            "score tracker",
            "keep score",
            "game score"
        ],
        ["score", "teams", "points", "game"],
        []
    ),
    template!(
        "water-tracker",
        [
            "water tracker",
            "water intake",
            "hydration",
            "drink water",
            "glasses of water",
            "water reminder"
        ],
        ["water", "drink", "health", "tracker"],
        []
    ),
    template!(
        "journal",
        [
            "journal",
            "diary",
            "daily journal",
            "log book",
            "logbook",
            "gratitude journal"
        ],
        ["entries", "daily", "write", "thoughts"],
        []
    ),
    template!(
        "compound-interest-calculator",
        [
            "compound interest",
            "interest calculator",
            "investment calculator",
            "investment growth",
            "savings growth",
            "interest on savings"
        ],
        ["interest", "investment", "savings", "calculator", "grow"],
        [
            Slot::Amount {
                component: "principal"
            },
            Slot::Percent { component: "rate" }
        ]
    ),
    template!(
        "calorie-counter",
        [
            "calorie counter",
            "calories",
            "calorie tracker",
            "food diary",
            "food log",
            "diet tracker",
            "calorie"
        ],
        ["food", "diet", "eat", "nutrition", "tracker", "counter"],
        []
    ),
    template!(
        "poll",
        ["poll", "voting", "vote", "votes", "straw poll", "ballot"],
        ["options", "choose", "decide", "count"],
        []
    ),
    template!(
        "savings-goal",
        [
            "savings goal",
            "save up",
            "saving goal",
            "savings plan",
            "savings tracker",
            "piggy bank"
        ],
        ["savings", "goal", "save", "money"],
        [Slot::Amount { component: "goal" }]
    ),
    template!(
        "timer",
        [
            "timer",
            "countdown",
            "count down",
            "countdown timer",
            "kitchen timer",
            "egg timer"
        ],
        ["minutes", "seconds", "time"],
        [Slot::Duration {
            component: "display"
        }]
    ),
    template!(
        "stopwatch",
        [
            "stopwatch",
            "stop watch",
            "lap timer",
            "chronometer",
            "time laps"
        ],
        ["timer", "laps", "elapsed"],
        []
    ),
    template!(
        "pomodoro",
        [
            "pomodoro",
            "pomodoro timer",
            "focus timer",
            "tomato timer",
            "work timer",
            "study timer",
            "productivity timer"
        ],
        ["timer", "focus", "breaks", "concentrate"],
        [Slot::Duration {
            component: "display"
        }]
    ),
    template!(
        "alarm-clock",
        ["alarm clock", "alarm", "wake me up", "wake up", "alarms"],
        ["clock", "morning", "ring", "wake"],
        []
    ),
    template!(
        "file-browser",
        [
            "file browser",
            "file explorer",
            "file manager",
            "files",
            "browse files",
            "directory browser",
            "folders"
        ],
        ["file", "folder", "directory", "explorer"],
        []
    ),
    template!(
        "process-monitor",
        [
            "process monitor",
            "task manager",
            "system monitor",
            "activity monitor",
            "system info",
            "cpu usage",
            "memory usage",
            "processes"
        ],
        ["system", "monitor", "cpu", "memory", "performance"],
        []
    ),
    template!(
        "dice-roller",
        [
            "dice roller",
            "dice",
            "roll dice",
            "roll the dice",
            "die roller",
            "d20",
            "board game dice"
        ],
        ["roll", "random", "game", "tabletop"],
        []
    ),
    template!(
        "coin-flip",
        [
            "coin flip",
            "flip a coin",
            "coin toss",
            "toss a coin",
            "heads or tails",
            "coin flipper"
        ],
        ["coin", "random", "decide", "heads", "tails"],
        []
    ),
    template!(
        "random-picker",
        [
            "random picker",
            "random name picker",
            "name picker",
            "pick a random",
            "random choice",
            "decision maker",
            "choose for me",
            "wheel of names"
        ],
        ["random", "choose", "decide", "pick", "names", "list"],
        []
    ),
    template!(
        "password-generator",
        [
            "password generator",
            "generate password",
            "generate a password",
            "random password",
            "strong password",
            "password maker",
            "pin generator"
        ],
        ["password", "secure", "random", "security"],
        []
    ),
    template!(
        "random-number",
        [
            "random number",
            "random number generator",
            "rng",
            "number generator",
            "lottery numbers",
            "pick a number"
        ],
        ["random", "number", "lottery", "draw"],
        []
    ),
];
