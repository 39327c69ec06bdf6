"""The small demo: its accounts, the story of each task, and the conversations."""

from dataclasses import dataclass

from accounts.models import User

# Published on purpose: printed by seed_demo and in the README.
DEMO_PASSWORD = "tasker-demo-2026"  # noqa: S105

Role = User.Role


@dataclass(frozen=True)
class DemoUser:
    username: str
    name: str
    role: str
    city: str
    skills: str = ""
    hourly_rate: str | None = None
    bio: str = ""
    staff: bool = False

    @property
    def label(self) -> str:
        return "staff (admin)" if self.staff else self.role


DEMO_USERS = [
    DemoUser(
        "demo-customer",
        "Carys Evans",
        Role.CUSTOMER,
        "Cardiff",
        bio="Two children, one dog and never enough weekends.",
    ),
    DemoUser(
        "demo-customer-2",
        "Oliver Bennett",
        Role.CUSTOMER,
        "London",
        bio="Just moved to Hackney; learning which jobs I should not do myself.",
    ),
    DemoUser(
        "demo-customer-3",
        "Priya Shah",
        Role.CUSTOMER,
        "Manchester",
        bio="Renovating a 1930s semi one room at a time.",
    ),
    DemoUser(
        "demo-tasker",
        "Tomasz Nowak",
        Role.TASKER,
        "Cardiff",
        "flat-pack, painting, shelves, small repairs, Polish translation",
        "24.00",
        "Carpenter by trade. I bring my own tools and tidy up after myself.",
    ),
    DemoUser(
        "demo-tasker-2",
        "Grace O'Neill",
        Role.TASKER,
        "Cardiff",
        "cleaning, end-of-tenancy, ironing, proofreading",
        "18.00",
        "Ten years of cleaning homes and offices; eco-friendly products on request.",
    ),
    DemoUser(
        "demo-tasker-3",
        "Kwame Mensah",
        Role.TASKER,
        "London",
        "man with a van, removals, deliveries, heavy lifting",
        "30.00",
        "Long-wheelbase van, blankets and straps. Stairs are no problem.",
    ),
    DemoUser(
        "demo-tasker-4",
        "Daniel Hughes",
        Role.TASKER,
        "Manchester",
        "handyman, flat-pack, decorating, curtain rails",
        "22.00",
        "Retired joiner who still likes a job done properly.",
    ),
    DemoUser(
        "demo-both",
        "Sam Taylor",
        Role.BOTH,
        "Manchester",
        "gardening, hedge trimming, lawn care, weeding",
        "20.00",
        "Gardener on weekdays; at the weekend I post the jobs I don't have time for.",
    ),
    DemoUser(
        "demo-both-2",
        "Aisha Rahman",
        Role.BOTH,
        "Edinburgh",
        "laptops, Wi-Fi, smart home, spreadsheets",
        "35.00",
        "IT support engineer. Most tech jobs can be done over a video call.",
    ),
    # Posts a scam "task" that other users have reported: the moderation queue's work.
    DemoUser(
        "demo-reported",
        "Dean Walsh",
        Role.CUSTOMER,
        "London",
    ),
    DemoUser(
        "demo-admin",
        "Alex Morgan",
        Role.BOTH,
        "London",
        bio="Tasker staff: I look after reports and the admin.",
        staff=True,
    ),
]


@dataclass(frozen=True)
class DemoBid:
    tasker: str
    amount: str
    message: str
    fate: str = "pending"  # pending | win | withdrawn | revised:<new amount>


@dataclass(frozen=True)
class DemoTask:
    """One task and what happens to it.

    `story` is the state it ends in: open, active, delivered, completed, cancelled (by the
    customer while open), agreement_cancelled or expired.
    """

    story: str
    customer: str
    category: str
    title: str
    description: str
    budget: str
    city: str = ""
    postcode: str = ""
    remote: bool = False
    days_ago: float = 2
    due_in_days: int = 10
    bids: tuple[DemoBid, ...] = ()
    reviews: tuple[tuple[str, int, str], ...] = ()  # (author, rating, comment)
    cancelled_by: str = ""
    cancel_reason: str = ""


def _bid(tasker: str, amount: str, message: str, fate: str = "pending") -> DemoBid:
    return DemoBid(tasker, amount, message, fate)


SCAM = "Reply to emails from home: £400 a week"  # a task other users reported

DEMO_TASKS = [
    # --- Cardiff: demo-customer has bids to compare, work to confirm and a review to read.
    DemoTask(
        "open",
        "demo-customer",
        "furniture-assembly",
        "Assemble an IKEA PAX wardrobe with sliding doors",
        "A 2.36 m PAX frame with two HASVIK sliding doors, still boxed in the spare room. "
        "The ceiling slopes on one side, so it may need building lying down. "
        "Please bring your own drill; we have a step ladder.",
        "90",
        "Cardiff",
        "CF14 3NR",
        days_ago=2,
        due_in_days=9,
        bids=(
            _bid(
                "demo-tasker",
                "95",
                "I've built more PAX wardrobes than I can count. I'll bring a helper for "
                "the tall frame and fix it to the wall.",
                "revised:85",
            ),
            _bid(
                "demo-tasker-2",
                "80",
                "I can do Saturday morning and I'm careful with sliding-door tracks.",
                "withdrawn",
            ),
        ),
    ),
    DemoTask(
        "open",
        "demo-customer",
        "cleaning",
        "Deep clean a two-bed flat before we move out",
        "Two bedrooms, kitchen, bathroom and a small lounge, all unfurnished by then. "
        "The landlord checks the oven and the limescale, so those need the most love.",
        "160",
        "Penarth",
        "CF64 1HQ",
        days_ago=1.5,
        due_in_days=6,
        bids=(
            _bid(
                "demo-tasker-2",
                "150",
                "End-of-tenancy cleans are most of my work; I bring all the products and "
                "a steam cleaner for the oven.",
            ),
            _bid(
                "demo-tasker",
                "175",
                "I can bring a second person and finish it in a single day.",
            ),
        ),
    ),
    DemoTask(
        "open",
        "demo-customer",
        "tech-help",
        "Build a household budget spreadsheet",
        "I'd like a simple Google Sheets budget: monthly income, bills, a savings pot "
        "and a chart. A short video call to show me how to keep it up to date.",
        "45",
        remote=True,
        days_ago=3,
        due_in_days=14,
        bids=(
            _bid(
                "demo-both-2",
                "40",
                "I build these for friends all the time. One hour's call plus the sheet.",
            ),
        ),
    ),
    DemoTask(
        "active",
        "demo-customer",
        "handyman",
        "Paint a garden fence (about 20 metres)",
        "Overlap panels, last painted four years ago. Needs a brush-down first. "
        "Paint is in the shed (two tins of Harvest Gold).",
        "180",
        "Cardiff",
        "CF5 1QE",
        days_ago=8,
        due_in_days=5,
        bids=(
            _bid(
                "demo-tasker",
                "170",
                "Two coats over two dry days. I'll cover the plants and the patio.",
                "win",
            ),
            _bid("demo-tasker-2", "200", "I can start this weekend if the weather holds."),
        ),
    ),
    DemoTask(
        "delivered",
        "demo-customer",
        "delivery",
        "Deliver a bookcase from Cathays to Roath",
        "A tall oak bookcase bought second-hand; the seller will help load it. "
        "Ground floor at both ends.",
        "35",
        "Cardiff",
        "CF24 3AA",
        days_ago=7,
        due_in_days=2,
        bids=(
            _bid(
                "demo-tasker",
                "30",
                "I have an estate car with the seats down; blankets and straps included.",
                "win",
            ),
        ),
    ),
    DemoTask(
        "completed",
        "demo-customer",
        "cleaning",
        "End-of-tenancy clean, three-bed house",
        "Three bedrooms, two bathrooms, kitchen and lounge. The letting agent sends a "
        "checklist; I'll forward it to whoever takes the job.",
        "220",
        "Cardiff",
        "CF11 9LJ",
        days_ago=60,
        due_in_days=-50,
        bids=(
            _bid(
                "demo-tasker-2",
                "210",
                "I'll work through the agent's checklist and send photos.",
                "win",
            ),
            _bid("demo-tasker", "240", "Happy to do it with my partner over one day."),
        ),
        reviews=(
            ("demo-customer", 5, "Spotless — we got the whole deposit back. Thank you, Grace!"),
            ("demo-tasker-2", 5, "Clear instructions and paid promptly. Lovely to work for."),
        ),
    ),
    DemoTask(
        "completed",
        "demo-customer",
        "gardening",
        "Clear autumn leaves and tidy the borders",
        "A long back garden under two sycamores. Leaves off the lawn and the borders "
        "cut back for winter; the green bin will be empty that week.",
        "65",
        "Cardiff",
        "CF14 2DY",
        days_ago=6,
        due_in_days=-1,
        bids=(
            _bid(
                "demo-tasker",
                "60",
                "I'll bring a leaf blower and take away what doesn't fit in the bin.",
                "win",
            ),
        ),
        reviews=(("demo-customer", 5, "Tomasz worked fast and left the garden neater than ever."),),
    ),
    DemoTask(
        "expired",
        "demo-customer",
        "tech-help",
        "Help choosing and fitting a smart thermostat",
        "Combi boiler, old dial thermostat in the hall. I'd like advice on Nest versus "
        "Hive and help wiring it in, or a video call to talk me through it.",
        "40",
        "Cardiff",
        "CF14 4XY",
        remote=True,
        days_ago=25,
        due_in_days=-10,
        bids=(
            _bid(
                "demo-both-2",
                "45",
                "I can talk you through it on a video call; the wiring is usually four wires.",
            ),
        ),
    ),
    # --- London: demo-customer-2 and a man with a van.
    DemoTask(
        "open",
        "demo-customer-2",
        "moving",
        "Help moving a sofa and 20 boxes to a third-floor flat",
        "From a house in Dalston to a flat in Stoke Newington, about two miles. "
        "No lift at the new place; the sofa is a three-seater that comes apart.",
        "120",
        "London",
        "E8 2LX",
        days_ago=3,
        due_in_days=8,
        bids=(
            _bid(
                "demo-tasker-3",
                "130",
                "Me, the van and a mate for the stairs. Two hours door to door.",
            ),
        ),
    ),
    DemoTask(
        "open",
        "demo-customer-2",
        "other",
        "Proofread my CV and cover letter",
        "Two pages of CV and a one-page cover letter for a marketing job. "
        "Looking for typos and anything that reads awkwardly.",
        "35",
        remote=True,
        days_ago=1,
        due_in_days=7,
        bids=(
            _bid("demo-both-2", "30", "I hire people at work, so I read a lot of these."),
            _bid(
                "demo-tasker-2",
                "35",
                "I used to work in recruitment and still proofread for friends.",
            ),
        ),
    ),
    DemoTask(
        "active",
        "demo-customer-2",
        "delivery",
        "Pick up a dining table from a seller in Walthamstow",
        "Six-seater extending table with four chairs, already paid for. "
        "Bring it to my flat in Hackney (ground floor).",
        "55",
        "London",
        "E17 7LD",
        days_ago=6,
        due_in_days=2,
        bids=(
            _bid(
                "demo-tasker-3",
                "55",
                "I'm in Walthamstow most evenings; blankets for the chairs included.",
                "win",
            ),
        ),
    ),
    DemoTask(
        "completed",
        "demo-customer-2",
        "moving",
        "Move a piano from the lounge to the dining room",
        "An upright piano, same floor, through one doorway and a tight corner.",
        "150",
        "London",
        "SW9 8LF",
        days_ago=45,
        due_in_days=-35,
        bids=(
            _bid(
                "demo-tasker-3",
                "140",
                "We move pianos every month: skates, straps and two of us.",
                "win",
            ),
        ),
        reviews=(
            (
                "demo-customer-2",
                4,
                "Careful with the piano and on time; a small scuff on the skirting board.",
            ),
            ("demo-tasker-3", 5, "Had the route cleared and the kettle on. Thanks!"),
        ),
    ),
    DemoTask(
        "completed",
        "demo-customer-2",
        "tech-help",
        "Set up a new laptop and move my files",
        "New Windows laptop, old MacBook. Photos, documents and the browser passwords "
        "need moving over; happy to do it over a video call.",
        "50",
        "London",
        "E8 3RL",
        remote=True,
        days_ago=40,
        due_in_days=-30,
        bids=(
            _bid("demo-both-2", "50", "One evening on a call, and I'll check the backups.", "win"),
        ),
        reviews=(("demo-both-2", 5, "Friendly and well organised, with everything ready."),),
    ),
    DemoTask(
        "cancelled",
        "demo-customer-2",
        "delivery",
        "Take an old mattress to the tip",
        "A single mattress in its plastic cover, ground floor, near Peckham Rye.",
        "30",
        "London",
        "SE15 4ST",
        days_ago=12,
        due_in_days=-3,
        bids=(_bid("demo-tasker-3", "35", "I'm at the Reuse and Recycling Centre weekly."),),
    ),
    # --- Manchester: demo-customer-3, demo-both as a tasker and as a customer.
    DemoTask(
        "open",
        "demo-customer-3",
        "gardening",
        "Mow the lawn and trim the hedges",
        "A medium lawn and a privet hedge along the front, about 15 m, waist height.",
        "60",
        "Manchester",
        "M20 2RN",
        days_ago=4,
        due_in_days=10,
        bids=(
            _bid("demo-both", "55", "I'm in Didsbury on Thursdays; cuttings taken away."),
            _bid("demo-tasker-4", "65", "I have a petrol hedge trimmer and a mower."),
        ),
    ),
    DemoTask(
        "open",
        "demo-customer-3",
        "handyman",
        "Hang three shelves and a large mirror",
        "Floating oak shelves in the alcove and a heavy mirror over the fireplace. "
        "The walls are plaster on brick.",
        "50",
        "Manchester",
        "M14 5SQ",
        days_ago=5,
        due_in_days=12,
        bids=(
            _bid(
                "demo-tasker-4",
                "60",
                "Heavy-duty fixings for the mirror; I'll check for pipes and cables first.",
            ),
            _bid("demo-both", "45", "I can pop round on Sunday afternoon."),
        ),
    ),
    DemoTask(
        "completed",
        "demo-customer-3",
        "furniture-assembly",
        "Assemble a flat-pack desk and chair",
        "A corner desk and an office chair for the box room. All parts are here.",
        "45",
        "Manchester",
        "M1 3BB",
        days_ago=25,
        due_in_days=-18,
        bids=(_bid("demo-tasker-4", "45", "About an hour and a half for both.", "win"),),
    ),
    DemoTask(
        "agreement_cancelled",
        "demo-customer-3",
        "handyman",
        "Repaint a bedroom (walls and ceiling)",
        "A 3 × 4 m bedroom, currently magnolia, going to pale green. "
        "Ceiling white. The furniture will be moved out beforehand.",
        "250",
        "Manchester",
        "M21 9AB",
        days_ago=20,
        due_in_days=-5,
        bids=(
            _bid("demo-tasker-4", "240", "Two days including the ceiling and a mist coat.", "win"),
            _bid("demo-both", "260", "Painting is my rainy-day work."),
        ),
        cancelled_by="demo-tasker-4",
        cancel_reason="I've hurt my back and can't do it this month. Sorry for the trouble.",
    ),
    DemoTask(
        "completed",
        "demo-customer-3",
        "gardening",
        "Weed and mulch the flower beds",
        "Three beds along the back fence, overgrown with bindweed. "
        "Bark mulch is bagged and waiting by the gate.",
        "80",
        "Manchester",
        "M20 6TH",
        days_ago=35,
        due_in_days=-25,
        bids=(
            _bid("demo-both", "75", "Bindweed needs the roots out; I'll do it properly.", "win"),
            _bid("demo-tasker-4", "90", "Happy to help with the mulching."),
        ),
        reviews=(
            ("demo-customer-3", 5, "Sam knows his plants and explained what to keep."),
            ("demo-both", 4, "Friendly and a clear brief; the tea was excellent."),
        ),
    ),
    DemoTask(
        "delivered",
        "demo-both",
        "furniture-assembly",
        "Assemble a bunk bed for the kids",
        "A metal-frame bunk bed with a ladder on the left. "
        "Everything is in the children's room, upstairs.",
        "75",
        "Manchester",
        "M20 4GH",
        days_ago=9,
        due_in_days=1,
        bids=(
            _bid(
                "demo-tasker-4", "70", "Bunk beds are a two-hour job; I'll check every bolt.", "win"
            ),
        ),
    ),
    DemoTask(
        "open",
        "demo-both",
        "delivery",
        "Collect a parcel from the Royal Mail delivery office",
        "A parcel too big for the letterbox; I'll give you the card and my ID. "
        "Bring it to Didsbury.",
        "15",
        "Manchester",
        "M1 1AE",
        days_ago=0.5,
        due_in_days=3,
    ),
    DemoTask(
        "open",
        "demo-customer-3",
        "other",
        "Translate a one-page letter from Polish to English",
        "A letter from my grandmother's bank. It needs to be accurate rather than pretty.",
        "25",
        remote=True,
        days_ago=2,
        due_in_days=5,
        bids=(_bid("demo-tasker", "20", "Polish is my first language; same-day turnaround."),),
    ),
    # --- Edinburgh: nobody local bids on demo-both-2's tasks yet.
    DemoTask(
        "open",
        "demo-both-2",
        "handyman",
        "Paint a garden shed",
        "A small timber shed, 6 × 4 ft, needs sanding down and two coats of stain.",
        "90",
        "Edinburgh",
        "EH6 5JP",
        days_ago=1,
        due_in_days=20,
    ),
    DemoTask(
        "expired",
        "demo-both-2",
        "gardening",
        "Garden clearance in Leith",
        "Brambles and an old compost heap at the end of a small garden; "
        "needs cutting back and taking to the tip.",
        "120",
        "Edinburgh",
        "EH6 8RG",
        days_ago=30,
        due_in_days=-12,
    ),
    # --- Reported: a scam dressed as a task, waiting in the moderation queue.
    DemoTask(
        "open",
        "demo-reported",
        "other",
        SCAM,
        "Easy work from home, no experience needed. Pay the £25 registration fee by bank "
        "transfer, then message me on WhatsApp to start today.",
        "400",
        remote=True,
        days_ago=1,
        due_in_days=14,
    ),
]


@dataclass(frozen=True)
class DemoConversation:
    users: tuple[str, str]
    task: str  # the title of the DemoTask it is about
    messages: tuple[tuple[str, float, str], ...]  # (sender, hours ago, body)
    unread: bool = False  # the last message is unread by its recipient


DEMO_CONVERSATIONS = [
    DemoConversation(
        ("demo-customer", "demo-tasker"),
        "Assemble an IKEA PAX wardrobe with sliding doors",
        (
            ("demo-tasker", 30, "Hi Carys, is it the 2.01 m or the 2.36 m frame?"),
            ("demo-customer", 28, "The 2.36 m one, and the ceiling slopes on one side."),
            (
                "demo-tasker",
                20,
                "No problem: I'll build it lying down with a helper. I've revised my bid.",
            ),
            ("demo-customer", 3, "Perfect, thank you. Could you do Saturday morning?"),
        ),
        unread=True,
    ),
    DemoConversation(
        ("demo-customer", "demo-tasker"),
        "Paint a garden fence (about 20 metres)",
        (
            ("demo-tasker", 150, "I'll start on Thursday at 9 if that suits?"),
            ("demo-customer", 149, "Thursday is great. The paint is in the shed."),
            ("demo-tasker", 148, "Got it, see you then."),
        ),
    ),
    DemoConversation(
        ("demo-customer-2", "demo-tasker-3"),
        "Pick up a dining table from a seller in Walthamstow",
        (
            ("demo-customer-2", 110, "The seller is in from 5 pm on weekdays."),
            ("demo-tasker-3", 108, "I'll go on Wednesday at 6 and text you once it's loaded."),
        ),
    ),
    DemoConversation(
        ("demo-customer-3", "demo-both"),
        "Mow the lawn and trim the hedges",
        (
            ("demo-both", 60, "Do you have a green bin, or shall I take the cuttings away?"),
            ("demo-customer-3", 5, "We have one but it's half full. Could you take the rest?"),
        ),
        unread=True,
    ),
    DemoConversation(
        ("demo-customer", "demo-tasker-2"),
        "End-of-tenancy clean, three-bed house",
        (
            (
                "demo-customer",
                200,
                "Hi Grace, thanks again for the end-of-tenancy clean. Would you do a "
                "fortnightly clean at our new place?",
            ),
            ("demo-tasker-2", 26, "I'd love to! Post it as a task and I'll bid."),
        ),
        unread=True,
    ),
    DemoConversation(
        ("demo-both", "demo-tasker-4"),
        "Assemble a bunk bed for the kids",
        (
            ("demo-both", 185, "The kids are at school until 3, any time before is fine."),
            (
                "demo-tasker-4",
                143,
                "All done. The ladder is on the left as you asked and every bolt is tight.",
            ),
        ),
        unread=True,
    ),
    DemoConversation(
        ("demo-tasker-3", "demo-reported"),
        SCAM,
        (
            ("demo-tasker-3", 20, "Hi, what would the emails be about, and who for?"),
            (
                "demo-reported",
                19,
                "Easy money! Transfer the £25 fee to account 12345678, sort code 00-00-00, "
                "and I'll send you the login today.",
            ),
        ),
    ),
]


@dataclass(frozen=True)
class DemoReport:
    """A report still open. `target` is a task's title (for a task, or for the other
    party's last message in the reporter's conversation about it) or a username."""

    reporter: str
    kind: str
    target: str
    reason: str
    details: str


DEMO_REPORTS = [
    DemoReport(
        "demo-tasker-2",
        "task",
        SCAM,
        "fraud",
        "It asks for a £25 registration fee before any work: that is how these scams start.",
    ),
    DemoReport(
        "demo-both-2",
        "task",
        SCAM,
        "spam",
        "Not a local task, just an advert to move people to WhatsApp.",
    ),
    DemoReport(
        "demo-tasker-3",
        "message",
        SCAM,
        "fraud",
        "Asked me to send money to a bank account before saying anything about the work.",
    ),
    DemoReport(
        "demo-customer",
        "user",
        "demo-reported",
        "other",
        "This account's only task offers £400 a week for 'replying to emails'. Please check it.",
    ),
]


@dataclass(frozen=True)
class DemoQuestion:
    task: str  # the title of an open DemoTask
    asker: str
    text: str
    answer: str = ""  # empty: still waiting for the customer


# Public questions on open tasks, asked and answered in the last half hour (after the bids).
DEMO_QUESTIONS = [
    DemoQuestion(
        "Assemble an IKEA PAX wardrobe with sliding doors",
        "demo-tasker-2",
        "Are the tracks for the sliding doors in the boxes too? They sometimes come separately.",
        "Yes, everything is in the spare room, tracks and soft-close kit included.",
    ),
    DemoQuestion(
        "Assemble an IKEA PAX wardrobe with sliding doors",
        "demo-both",
        "Is there somewhere to park a van close to the door?",
    ),
    DemoQuestion(
        "Deep clean a two-bed flat before we move out",
        "demo-tasker-3",
        "Is the oven gas or electric, and does it have a self-clean setting?",
        "Electric, and no self-clean, I'm afraid. It has seen a lot of roasts.",
    ),
    DemoQuestion(
        "Help moving a sofa and 20 boxes to a third-floor flat",
        "demo-tasker-4",
        "How big are the boxes? Wondering whether an estate car would do it in two trips.",
        "Mostly medium ones, about 60 by 40 cm. I'd say it needs a van.",
    ),
]


@dataclass(frozen=True)
class DemoSavedSearch:
    """A search a demo tasker saved a month ago; what it matched since was emailed then."""

    owner: str
    name: str
    frequency: str  # SavedSearch.Frequency
    q: str = ""
    category: str = ""  # slug
    city: str = ""


DEMO_SAVED_SEARCHES = [
    DemoSavedSearch(
        "demo-tasker",
        "Furniture to assemble in Cardiff",
        "instant",
        category="furniture-assembly",
        city="Cardiff",
    ),
    DemoSavedSearch("demo-tasker", "Painting jobs", "daily", q="paint"),
    DemoSavedSearch(
        "demo-tasker-2", "Cleaning in Cardiff", "daily", category="cleaning", city="Cardiff"
    ),
]
