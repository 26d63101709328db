"""`handoff.detect`: escalation reasons found in code, in shoppers' own (2 a.m.) words.

`ESCALATIONS` and `LOOK_ALIKES` are the phrasings the rules were tuned on. `HELD_OUT` and
`HELD_OUT_LOOK_ALIKES` were written in four rounds of ten per reason after tuning, each round
scored once before any rule changed (round 1: 47/60 and 10/10 look-alikes; round 2: 38/60,
15/15; round 3: 34/60, 18/20; round 4: 46/60, 15/15; round 5, look-alikes only: 18/20,
one of them an APR question that escalates by design; round 6, issue 14's competitor quotes,
abusive demands and process questions, written after tuning those rules: 10/11, 10/10); the
rules were then generalised and the misses they still have are `KNOWN_MISSES`. The look-alike
decisions these tests pin down are documented in the `handoff.detect` module docstring.
"""

from __future__ import annotations

import pytest

from crm_store.types import HANDOFF_REASONS
from handoff import phrases
from handoff.detect import IMPORTANCE, URGENT_REASONS, Detection, detect, normalise, sentiment

ESCALATIONS: dict[str, list[str]] = {
    "human_requested": [
        "can I talk to a real person??",
        "Just let me speak with a human pls",
        "HUMAN",
        "have someone call me tmrw morning",
        "r u able to connect me with a sales rep",
        "i need a real person not a robot",
        "can somebody from sales text me back",
        "Call me back at 805 555 0199",
        "give me a call when u get a chance",
        "im so done with this bot lol get me a manager",
        "is there someone i can talk to",
        "id rather talk to an actual salesperson tbh",
        "can i get a callback from the manager",
        "pls have a salesman reach out to me",
        "Put me through to someone in sales",
        "stupid bot. call me back",
        # a follow-up only a person can promise: a waitlist, word when a car frees up
        "ok can someone put me on the waitlist for it",
        "pls text me if the tacoma becomes available again",
        "notify me when you get another 4runner in",
        # an angry demand with an intensifier
        "get me a damn manager on the phone NOW",
        "put a manager on the phone",
    ],
    "negotiation": [
        "whats ur best price on the tacoma",
        "can u do 30k?",
        "would you take 28,500 for the silverado",
        "any wiggle room on that price",
        "what's the out the door on the crv",
        "otd price??",
        "How low can you go on the white F150",
        "ill pay 27 grand cash for it, final offer",
        "carmax has it for less can you match their price",
        "Is that the lowest you can do?",
        "can you guys come down a bit on the highlander",
        "can you knock 2k off",
        "would u do $31k if i finance thru you",
        "can you waive the doc fee",
        "i have a written quote from valley honda for 27,500 can you match or beat it",
        "can you beat this quote from ventura toyota, they offered 31k out the door",
    ],
    "financing": [
        "can i get approved with a 580 credit score",
        "my credit is kinda bad, can i still finance",
        "what would my monthly payment be on the civic",
        "need a cosigner?",
        "what apr would i get w 700 credit",
        "i have 3k down, what would payments be",
        "Can I keep it under 400 a month?",
        "i went bankrupt last year, can yall still finance me",
        "how do i apply for financing",
        "no credit history, first car. is that a problem",
        "I got preapproved thru my credit union for 25k",
        "whats the interest rate",
        "finacing options for me? my score is 620",
        "how much do i need to put down",
    ],
    "trade_in": [
        "what is my car worth",
        "how much will u give me for my 2015 civic",
        "i have a trade, 2017 f150 with 90k miles",
        "Want to trade in my wife's accord",
        "can you appraise my jeep tonight",
        "what would i get for my old camry",
        "i still owe like 8k on my car can i still trade it",
        "trade inn value on my 2012 camry??",
        "would you guys buy my truck even if i dont buy from you",
        "KBB says my car is worth 12k",
        "what about my trade",
        "im trading in a 2014 jeep cherokee",
        "how much could i get for my truck if i trade it in",
    ],
    "complaint": [
        "the check engine light came on AGAIN after you fixed it",
        "This is ridiculous, nobody called me back",
        "i am so frustrated with your service department",
        "you guys sold me a lemon",
        "still waiting on my title, been 6 weeks",
        "your salesman lied to me about the warranty",
        "worst experience ever, never buying from you again",
        "picked up my car yesterday and its making the same grinding noise",
        "Im really upset, the car came back with a scratch on the door",
        "u guys overcharged me for the oil change",
        "i want my money back",
        "ive been calling all day and no one answers",
        "Not happy with how i was treated by the finance guy",
        "the AC still doesnt work and i just picked it up from your shop",
        "this is ridiculous, get me your manager now",
    ],
    "purchase_intent": [
        "I want to buy it tonight",
        "ready to sign, where do i go",
        "hold it for me, I'll put money down",
        "can i put a deposit on the blue rav4",
        "ill take it!",
        "can you hold the tacoma until saturday? ill bring a deposit",
        "im ready to buy today if it's still there",
        "dont sell it, im coming in tomorrow with cash",
        "how do i reserve this one",
        "Lets make a deal",
        "i need a truck by tomorrow, i'm buying this weekend",
        "want to pull the trigger on the accord",
        "deal. when can i pick it up",
        "i want that one!!",
    ],
}

LOOK_ALIKES = [
    # how a waitlist or hold works is the dealership's policy, answered from its knowledge
    "is there a waitlist",
    "how does your waitlist work",
    "add me to your email list",
    # how tax works with a trade is the dealership's written rule, not an appraisal
    "does my trade lower the tax",
    "is tax charged after my trade in value",
    # how a process works (issue 14): answered from the knowledge, nobody paged
    "how does the trade in appraisal process work",
    "what does the appraisal process look like for my trade",
    "whats the process to trade in my 2015 civic",
    "what paperwork do i need for financing",
    "what are the finance office hours",
    "whats the best number to call",
    "do you price match written quotes?",
    "do you offer financing?",
    "what is the price?",
    "how much is the civic",
    "do you take trade-ins?",
    "what are your hours",
    "is the price negotiable on your website listings?",
    "do you have any specials on service?",
    "I'm not upset, just curious about the warranty",
    "my wife wants to talk to a salesperson about colors",
    "are you a real person?",
    "is this a bot lol",
    "who do you finance through",
    "how does the trade in process work",
    "do u have any used trucks under 30k",
    "my budget is around 25k",
    "can i test drive it saturday at 10",
    "can you do saturday at 10",
    "you can call me Mike",
    "dont call me, text only pls",
    "what's the mpg on the highlander",
    "do you have military discounts",
    "do you take credit cards for the deposit",
    "can i put a deposit on a car online?",
    "what paperwork do i need to bring",
    "is the 2019 accord still available",
    "thanks, have a good night",
    "no complaints, just wondering if you detail cars",
    "can i drop off my car for service tomorrow",
    "whats the doc fee",
    "i might buy a car next year, just looking",
    "hold on let me check my schedule",
    "how many miles on the silverado",
    "do you guys negotiate?",
    "what time do you close today",
    "is the mpg terrible on the tahoe?",
    "the other dealer was awful, hoping you're better",
    "lol ur quick. what colors does the rav4 come in",
    "do you have 0% apr deals",
    "how long does an appraisal take",
    "is the deposit refundable",
]

HELD_OUT: dict[str, list[str]] = {
    "human_requested": [
        "can i just speak to someone who works there",
        "I'd like to speak with the sales manager please",
        "get me a live agent",
        "yo is anyone actually there? need a person",
        "call me asap 555-201-8831",
        "can a salesperson give me a ring tonight",
        "Stop with the automated replies and get me someone real",
        "pls connect me to a rep",
        "can i talk to someone in the finance office",
        "I want to speak to a human being not a chatbot",
        "Can you have the sales manager text me",
        "i dont want to chat with a computer. real human please",
        "Need to speak to somebody today about the expedition",
        "who do i call to talk to an actual employee",
        "ok can someone just phone me, easier",
        "transfer me to sales",
        "I'd prefer a phone call from your team",
        "can i talk to whoever handles internet sales",
        "is there a manager on duty i can speak with",
        "reach out to me tomorrow pls, 6195550144",
        "Please let me speak to your sales manager",
        "need a human asap, this is urgent",
        "can u ask someone to call me on my cell",
        "honestly i'd just like to talk to a person about this",
        "could a rep reach out by phone tomorrow",
        "is a salesperson available to chat right now",
        "I want to talk to Jessica, she helped me last time",
        "talk to someone in service please",
        "someone call 213 555 0101 please",
        "bot isn't helping. human?",
        "I'd really prefer to deal with a person",
        "can i chat with a live person",
        "let me talk to the boss",
        "please get a real salesperson to call me",
        "can someone from your team contact me tomorrow",
        "i need to talk to somebody about this car today",
        "could you pass me to a human",
        "just have the sales guy text me when he's in",
        "hello?? is there a real person on this line",
        # round 6 (issue 14: abusive demands)
        "you stupid bot put me through to a manager",
        "useless. just have someone call me",
        "omg this bot. i need a real person to call me back asap",
    ],
    "negotiation": [
        "whats the lowest youll go on the 4runner",
        "could you do 42 out the door",
        "would u accept 19k cash",
        "is there any room to negotiate on the outback",
        "i can do 25,500 today, not a penny more",
        "whats the bottom line on the mustang",
        "can you drop the price a little",
        "truecar says 2k less, can you beat that",
        "the dealer across town offered me 33k can you match it",
        "will you throw in all weather mats if i buy today",
        "i saw it listed for 24,995, would you do 23 flat",
        "What's the absolute lowest on the Sienna",
        "can you shave a grand off the price",
        "if you can get to 29k otd i'm in",
        "any flexibility on the price of the rogue?",
        "is that your best offer",
        "help me out on the price and we can talk",
        "i can pay 35,000 for the f-150 lariat",
        "the price is too high, can u go lower?",
        "would you meet me in the middle at 26k",
        "what's the best you can do on the odyssey",
        "28 and i'll drive it home today",
        "can you give me a better number on the camry",
        "how much off msrp can you do",
        "will u take 20k for the altima",
        "i'm looking for a deal, what's the lowest price you can sell the jeep for",
        "can you do anything on the price? it's a bit above my budget",
        "Any chance you'd go 36,500?",
        "i found the same car for 2k less online, can you match",
        "whats your cash price on the tundra",
        "whats the lowest price you'll sell it for",
        "can you do better than 31,900",
        "i'll give you 22k for it right now",
        "that's too much. can you do 18?",
        "would you do the silverado for 39 even",
        "Is there any way you can get the price down",
        "cash deal, what's your bottom dollar",
        "TrueCar price is lower, can you price match that",
        "Can you take 1500 off",
        "what if i pay cash, will you come down on the price",
        # round 6 (issue 14: a competitor's written quote)
        "carmax quoted me 24,900 in writing for the same crv, can u match that",
        "i got an email quote from oxnard honda thats 1500 less, will you beat it",
        "another dealer offered me 29k otd on a pilot, match it and ill come in",
        "Can you guys beat a written offer of 26k from Camarillo Toyota?",
    ],
    "financing": [
        "what kind of rate could i get with 650",
        "my fico is around 590 is that ok",
        "I need financing, my credit isn't great",
        "how much would payments be with 0 down on the wrangler",
        "do i need a co signer with no credit",
        "can you get me financed i just started a new job",
        "want to keep payments around $350",
        "whats the apr on a 72 month loan",
        "had a repo 2 years ago, can i still get approved",
        "can i fill out a credit app online tonight",
        "my score is like 540 lol will i get approved",
        "whats my monthly going to be on the jetta",
        "i'm self employed, can i still get a car loan",
        "whats the lowest apr you can get me",
        "can my mom cosign for me",
        "I need a loan, I have bad credit",
        "how much down do i need with 600 credit",
        "can i get pre-approved before i come in",
        "what term lengths and rates would i qualify for",
        "i want my payment under 500 a month",
        "Do you think I'd qualify for financing with a 560 score?",
        "what would 0 down look like per month on the tucson",
        "my credit took a hit after my divorce",
        "what's the rate for someone with 720 credit",
        "I'll be financing through you, what do I need",
        "how long of a loan can i get on a used car",
        "is 1k enough for a down payment",
        "i need the payment under 300, is that possible",
        "got denied at my bank, can you help",
        "what's the interest on a 60 month loan for me",
        "I have a 500 credit score, any options",
        "could i get financed with no job history",
        "what would my payments be on the RAV4 if i put 2k down",
        "my credit is shot lol",
        "can i get a loan with a repo on my record",
        "I want to lease the CR-V, what would it run me monthly",
        "i need help with financing, first car",
        "does my credit need to be good to get approved",
        "what's the best rate i can get on the civic",
    ],
    "trade_in": [
        "how much can i get for my 2011 altima",
        "what would you give me for my truck on trade",
        "i wanna trade my civic toward the crv",
        "can u appraise my car when i come in saturday",
        "whats my 2016 jeep worth roughly, 80k miles",
        "I'd be trading in my old minivan",
        "will you take my car as a trade",
        "got a 2013 silverado to trade, what kind of value",
        "how much for my trade in",
        "i owe 5k on my current car, can i trade it in",
        "what's my trade worth? 2018 rav4 48k miles",
        "can I trade in a car that's not paid off",
        "how much would you offer for my 2010 prius",
        "I have a 2019 Kia Soul I want to trade",
        "thinking of trading in my elantra, what can i get",
        "can yall give me a quote on my truck",
        "whats the trade in value of my 2014 malibu",
        "i'd like to sell you my car",
        "would you give me more than carmax for my honda",
        "my car has 150k miles, what would u give me for it",
        "how much could i trade my 2012 fusion in for",
        "is my jeep worth anything? it has 200k miles",
        "i want to swap my accord for the pilot",
        "what would the trade value be on a 2017 mustang gt",
        "i'm going to bring my explorer in for appraisal",
        "do you need the title for my trade in?",
        "my tacoma has 60k miles, how much would you give",
        "I'll be bringing my old car as a trade",
        "what's the trade in worth on my 2020 corolla",
        "what's my 2019 accord sport worth in trade",
        "would you buy my car outright",
        "can i trade in two cars",
        "what could i get for a 2010 tundra with 180k",
        "I want to get an appraisal on my truck",
        "can my trade in cover the down payment",
        "how much would u give me for my bmw",
        "i got an offer from carvana for my car, can you beat it",
        "what do you think my old minivan is worth",
        "I'm looking to trade my Tahoe for something smaller",
    ],
    "complaint": [
        "My truck has been in your shop 3 times for the same problem",
        "your service advisor was extremely rude to me",
        "i paid for an oil change and you didn't even do it",
        "I'm beyond frustrated, still no plates after 2 months",
        "this is unacceptable, i want to speak to the GM",
        "you guys scratched my bumper during the detail",
        "Transmission started slipping a week after i bought it from you",
        "honestly the worst customer service i've ever had",
        "nobody has returned my calls in 4 days",
        "the car you sold me is leaking oil all over my driveway",
        "This is the 2nd time you've messed up my order, I'm done",
        "i was promised a call back yesterday and nothing",
        "your finance manager added stuff i didnt ask for",
        "the car was dirty when i picked it up and the tank was empty, really disappointed",
        "paid 1200 for brakes and they still squeak",
        "I'm going to leave a 1 star review",
        "yall are a joke",
        "my car has been at your dealership for three weeks and no update",
        "the salesman was pushy and rude",
        "i am so angry right now",
        "i'm livid. my car was supposed to be ready 3 days ago",
        "nobody told me about the $899 add-ons",
        "the window sticker said leather and it's cloth, this is false advertising",
        "i've called 5 times and keep getting voicemail",
        "you guys charged me for a repair that was under warranty",
        "my new car already has a rattle and i bought it last week from you",
        "So disappointed in your dealership",
        "the tech broke my side mirror",
        "this place is a joke",
        "I want to file a complaint",
        "absolutely furious about how this was handled",
        "the car i bought from you last month won't start",
        "you guys never called me back about my warranty claim",
        "Your sales guy promised free oil changes and now you won't honor it",
        "i'm sick of being lied to",
        "been 2 weeks and still no registration",
        "my car came back from service with a new dent",
        "horrible experience with your finance department",
        "the engine light is back on and you just replaced the sensor",
        "this is a scam",
        # round 6 (issue 14: abusive demands for a manager or a call back)
        "this is a joke, your salesman lied to me. i want the manager to call me tomorrow",
        "absolutely unacceptable. someone better call me back today",
        "worst dealership ever, get me a manager NOW",
    ],
    "purchase_intent": [
        "i'll take the silver one, when can i come sign",
        "how much to hold the highlander till sunday",
        "im ready to make a deal tonight",
        "can i leave a deposit on the red mustang",
        "I want it. What do I need to do to buy it today",
        "can i buy it over the phone and pick up tmrw",
        "please don't sell the tacoma i'm on my way",
        "let's do the paperwork tomorrow morning",
        "we decided, we want to buy the pilot",
        "put me down for the gray accord, i'll pay a deposit now",
        "i'm buying the camry today, what time can i come in to sign",
        "can i put $500 down to hold the equinox",
        "i want to purchase the white bronco",
        "send me the paperwork, im ready",
        "please hold the 2021 civic for me til friday",
        "i'll take the gray one if it's still there",
        "we're coming in tonight to buy it",
        "how do i buy this car online",
        "im a cash buyer and want it today",
        "sold! when can i pick it up",
        "i'll be there at 9 to buy it",
        "how much of a deposit to lock in the tacoma",
        "ok i'm sold, what's next",
        "we want to go ahead with the purchase",
        "can i buy the highlander without coming in",
        "hold it pls i'm 20 min away with a cashier's check",
        "ready to pull the trigger tonight",
        "I'd like to buy the 2022 mustang",
        "put my name on that one, i'll be in tomorrow",
        "I'll take the blue one!",
        "i want to buy the f150, can i come in tonight",
        "i'd like to put down a deposit on the charger",
        "Can you hold that jeep for me until tomorrow?",
        "ok lets do it, i'll buy it",
        "I'm ready to purchase, what's next",
        "I'll take the red one, when can i pick it up",
        "can i buy it today if i come before you close",
        "we're ready to sign today",
        "Do not sell the ram, I'm on my way with a check",
        "how do i buy the accord",
    ],
}

HELD_OUT_LOOK_ALIKES = [
    "do you guys do financing for first time buyers?",
    "what's the price on the black tahoe",
    "is the CR-V AWD?",
    "do you accept trade ins with a lien",
    "when does the service dept open tomorrow",
    "are prices on your site negotiable",
    "my husband wants to speak to a sales rep about the towing package",
    "is it still available? how many owners",
    "what warranty comes with the used ones",
    "ok thanks, ill think about it",
    "do u guys have financing for ppl with no license?",
    "can you get me the carfax",
    "is there room for a car seat in the back",
    "can you match the color to my other car",
    "what can i get for 20k",
    "how much would the tires cost",
    "did you get my email",
    "i bought my last car from you and loved it",
    "hey! is the jeep still on the lot",
    "whats the best suv for a family of 5",
    "my son is looking for his first car, what do you have under 15k",
    "can i bring my dog to the test drive lol",
    "what's included in the 30k mile service",
    "do you take apple pay",
    "no need to call me, i'll come by saturday",
    "can you contact the body shop about my estimate",
    "whats the best color for resale",
    "my manager was asking if you do fleet sales",
    "i want to trade ideas on which trim lol, what do you recommend",
    "do you guys give loaners during service",
    "how much is it to take off the tint",
    "what's the loan term you usually see people pick",
    "saw your 5 star reviews, nice",
    "the salesman was really nice last time",
    "is that the price before taxes?",
    "can i come by after work to look at it",
    "i'm just browsing for now, thanks",
    "what's the towing capacity",
    "do you guys price match online listings?",
    "ok see you saturday at 11",
    "can i pay my service bill online",
    "does it have a backup camera",
    "do you have a co-signer program?",
    "my dad says hi, he bought a truck from you in 2019",
    "what time does finance close",
    "how much is the 2020 tacoma",
    "do you have any trucks with a manual",
    "do you work with credit unions?",
    "what are the lease specials this month",
    "is the camry a hybrid",
    "im not looking to trade in, just buy",
    "what's your doc fee and tax rate",
    "can i schedule a test drive for tomorrow at 3",
    "are you open on sundays",
    "do you do appraisals on weekends?",
    "my sister bought a car from you and loved it",
    "can i see more photos of the interior",
    "what is the financing process like",
    "does the price include the floor mats",
    "is the civic better than the corolla",
    # round 5 (look-alikes only)
    "hey is the grey odyssey still for sale",
    "what's the msrp on the 2026 pilot",
    "i need an oil change this week, any openings?",
    "my wife and i are looking at minivans this weekend",
    "we'd like to come see the crv tomorrow around noon",
    "does the accord have apple carplay",
    "i'm interested in the red civic, what trims do you have",
    "how many people can the pilot seat",
    "can my kids come on the test drive",
    "my current car gets 30 mpg, how does the hybrid compare",
    "is the warranty transferable if i sell it later",
    "my credit union said to ask about your inventory",
    "do you have any cars under 10k",
    "are your cars certified",
    "i'll be there at 10 for the test drive",
    "can you text me the address",
    "what's the cheapest suv you have",
    "i have a dog, are the seats leather?",
    "can you send me more pics of the tacoma",
    # round 6 (issue 14: processes and office hours)
    "how does your trade in appraisal work, do i need an appointment",
    "what do i need to bring for the appraisal",
    "how long does an appraisal usually take",
    "what documents does finance need from me",
    "what forms do i fill out for a loan",
    "whats the financing process like with you guys",
    "what hours is the finance office open",
    "is the finance dept open on sunday",
    "when does your business office close",
    "do you beat other dealers prices?",
    # round 7 (issue 15: one's own appointment asked about; tuned on "is my drive still
    # happening", these held out)
    "are we still happening tmrw at 2",
    "is the appt still happening or should i reschedule",
]

# Still missed: an antecedent in another sentence, a policy-question opener with a personal
# question inside, a trade-in only implied by "give me a number on it", and a match asked of
# a quote named in the sentence before.
KNOWN_MISSES = [
    ("human_requested", "who's the manager there? i want to speak with them"),
    ("financing", "what kind of monthly am i looking at for the mazda 3"),
    ("trade_in", "can you look at my car and give me a number on it"),
    ("negotiation", "have a quote from auto nation for less. u willing to match?"),
]

CASES = [(reason, text) for reason, texts in ESCALATIONS.items() for text in texts]
HELD_OUT_CASES = [(reason, text) for reason, texts in HELD_OUT.items() for text in texts]


@pytest.mark.parametrize(("reason", "text"), CASES)
def test_escalates_with_its_reason_first(reason: str, text: str) -> None:
    found = detect(text)
    assert found.reasons[:1] == (reason,), (text, normalise(text), found)
    assert found.evidence, found
    assert 0.5 <= found.confidence <= 0.99


@pytest.mark.parametrize(("reason", "text"), HELD_OUT_CASES)
def test_held_out_phrasings_escalate(reason: str, text: str) -> None:
    found = detect(text)
    assert reason in found.reasons, (text, normalise(text), found)
    assert found.evidence, found


@pytest.mark.parametrize(("reason", "text"), KNOWN_MISSES)
@pytest.mark.xfail(strict=True, reason="known gap of the rules; move it up when fixed")
def test_known_misses(reason: str, text: str) -> None:
    assert reason in detect(text).reasons


@pytest.mark.parametrize("text", LOOK_ALIKES + HELD_OUT_LOOK_ALIKES)
def test_look_alikes_do_not_escalate(text: str) -> None:
    found = detect(text)
    assert found == Detection((), 0.0, ()), (text, normalise(text), found)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "I want to buy the tacoma tonight if you can do 38k out the door",
            ("purchase_intent", "negotiation"),
        ),
        ("this is ridiculous, let me talk to your manager", ("complaint", "human_requested")),
        (
            "whats ur best price and can i get approved with 600 credit",
            ("negotiation", "financing"),
        ),
        ("what would my payments be with my trade in", ("financing", "trade_in")),
        (
            "ready to sign tonight but i need a human to go over my credit",
            ("purchase_intent", "human_requested", "financing"),
        ),
    ],
)
def test_several_reasons_in_order_of_importance(text: str, expected: tuple[str, ...]) -> None:
    found = detect(text)
    assert found.reasons == expected, (normalise(text), found)
    assert len(found.evidence) >= len(expected)


def test_unanswered_only_from_the_flags() -> None:
    assert detect("what's the towing capacity of the ridgeline").reasons == ()
    weak = detect("what's the towing capacity of the ridgeline", knowledge_weak=True)
    assert weak.reasons == ("unanswered",)
    assert weak.evidence and weak.confidence == 0.7
    twice = detect("huh", misunderstood_before=True, misunderstood_now=True)
    assert twice.reasons == ("unanswered",) and twice.confidence == 0.8
    assert detect("huh", misunderstood_now=True).reasons == ()
    assert detect("huh", misunderstood_before=True).reasons == ()


def test_unanswered_comes_after_a_reason_from_the_text() -> None:
    found = detect("can u do 30k", knowledge_weak=True)
    assert found.reasons == ("negotiation", "unanswered")


def test_explicit_phrases_are_surer_than_weak_cues() -> None:
    assert detect("talk to a human").confidence == 0.9
    assert (
        detect("im trading in a 2014 jeep").confidence < detect("what is my car worth").confidence
    )
    several = detect("hold it for me, I'll put money down")
    single = detect("hold it for me")
    assert several.confidence > single.confidence


def test_negation_and_third_parties() -> None:
    assert detect("I don't need to talk to anyone, just the hours pls").reasons == ()
    assert detect("not ready to buy yet").reasons == ()
    assert detect("i dont know what my car is worth").reasons == ("trade_in",)
    assert detect("i cant get approved anywhere").reasons == ("financing",)
    assert detect("have someone call my wife tomorrow").reasons == ("human_requested",)
    assert detect("my wife and i want to talk to a salesperson").reasons == ("human_requested",)


def test_policy_questions_other_dealers_and_delays() -> None:
    assert detect("do you do 84 month loans?").reasons == ()
    assert detect("can i do 84 months on the loan").reasons == ("financing",)
    assert detect("do you work with bad credit? mine is like 520").reasons == ("financing",)
    assert detect("the last dealer was rude and shady").reasons == ()
    assert detect("your salesman was rude and shady").reasons == ("complaint",)
    assert detect("i want to buy it but not until next year").reasons == ()
    assert detect("im paying cash").reasons == ()


def test_typos_are_fixed_but_real_words_are_not() -> None:
    assert detect("i need finacing, my credt is bad").reasons == ("financing",)
    assert detect("just curious what the tacoma costs").reasons == ()  # not "furious"
    assert detect("is a 10 year old car acceptable as a trade?").reasons == ()  # a policy question
    assert "unacceptable" not in normalise("is that acceptable")


def test_messy_sms_is_normalised() -> None:
    assert normalise("Can U do $30K otd??") == "can you do $30k otd"
    assert normalise("hold it 4 me, i'll b there 2moro 👍") == (
        "hold it for me | i will be there tomorrow emojipos"
    )
    assert detect("fiancing w/ a 540 scor").reasons == ("financing",)
    assert detect("want 2 talk 2 sum1 real").reasons == ("human_requested",)


def test_reasons_are_the_stores_reasons() -> None:
    assert set(IMPORTANCE) | {"other"} == set(HANDOFF_REASONS)
    assert sorted(URGENT_REASONS) == ["complaint", "purchase_intent"]
    assert set(phrases.RULES) <= set(IMPORTANCE)
    produced = {reason for reason, text in CASES for reason in detect(text).reasons}
    assert produced <= set(HANDOFF_REASONS) - {"other"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("thanks so much, you've been super helpful!", "positive"),
        ("this is ridiculous, worst service ever 😡", "negative"),
        ("what time do you open saturday", "neutral"),
        ("im not happy with the repair", "negative"),
        ("not bad, thanks", "positive"),
        ("thanks but this is ridiculous", "negative"),
        ("I'm not upset, just curious about the warranty", "neutral"),
        ("good morning, is the civic still there?", "neutral"),
        ("love it 😍", "positive"),
    ],
)
def test_sentiment(text: str, expected: str) -> None:
    assert sentiment(text) == expected
