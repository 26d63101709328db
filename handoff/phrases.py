"""Word lists and regex rules for `handoff.detect` (data only; the logic lives there).

Rules match the *normalised* text built by `handoff.detect.normalise`: lower case,
apostrophes dropped and contractions expanded ("don't" -> "do not", "I'll" -> "i will"),
SMS spellings mapped ("u" -> "you", "tmrw" -> "tomorrow"), hyphens as spaces, emojis as
`emojipos`/`emojineg`/`emojirage`, and every sentence or comma boundary as a lone `|`
(commas inside numbers such as 30,000 are kept), so `[^|]` means "within the clause".

Placeholders (`<MONEY>`, `<OBJ>`, ...) are expanded before compiling. See the
`handoff.detect` docstring for the look-alike decisions and the confidence tiers.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, cast

if TYPE_CHECKING:
    from crm_store.types import HandoffReason


def _pairs(spec: str) -> dict[str, str]:
    """`"u:you wanna:want_to"` -> `{"u": "you", "wanna": "want to"}` ("_" is a space)."""
    return {k: v.replace("_", " ") for k, v in (item.split(":") for item in spec.split())}


def _words(spec: str) -> frozenset[str]:
    return frozenset(spec.split())


SLANG: dict[str, str] = _pairs(
    """
    u:you ya:you yu:you yall:you ur:your r:are pls:please plz:please plez:please pleeze:please
    tmrw:tomorrow tmr:tomorrow tmw:tomorrow tomo:tomorrow tomorow:tomorrow tommorow:tomorrow
    2moro:tomorrow 2morrow:tomorrow tn:tonight 2nite:tonight tonite:tonight 2day:today
    rn:right_now nite:night wanna:want_to gonna:going_to gotta:got_to gimme:give_me lemme:let_me
    hafta:have_to kinda:kind_of imma:i_am_going_to ima:i_am_going_to tryna:trying_to
    finna:going_to im:i_am ive:i_have ill:i_will id:i_would youre:you_are youll:you_will
    youd:you_would youve:you_have dont:do_not
    doesnt:does_not didnt:did_not cant:can_not cannot:can_not wont:will_not isnt:is_not
    arent:are_not wasnt:was_not werent:were_not havent:have_not hasnt:has_not wouldnt:would_not
    couldnt:could_not shouldnt:should_not whats:what_is wats:what_is wat:what wut:what
    hows:how_is thats:that_is theres:there_is wheres:where_is whos:who_is sum1:someone
    some1:someone any1:anyone no1:no_one noone:no_one nobdy:nobody ppl:people txt:text
    fone:phone thru:through cuz:because bc:because b4:before abt:about bout:about wit:with
    w:with da:the tha:the dat:that dis:this mgr:manager mngr:manager pymt:payment pmt:payment
    pymnt:payment pymts:payments pmts:payments dwn:down thx:thanks ty:thanks mos:months
    yrs:years yr:year tradein:trade_in tradeins:trade_ins tradin:trade_in inn:in
    cosigner:co_signer cosign:co_sign preapproved:pre_approved preapproval:pre_approval
    downpayment:down_payment salesman:sales_man salesperson:sales_person
    salespeople:sales_people callback:call_back b:be
    """
)

# Key words worth correcting when mistyped (OSA distance 1, or 2 from nine letters up).
FUZZY_VOCAB: tuple[str, ...] = tuple(
    sorted(
        _words(
            """
            financing finance credit approved approval payment payments monthly deposit
            negotiate manager someone somebody human person representative trade appraisal
            appraise tomorrow tonight purchase paperwork signer interest ridiculous unacceptable
            disappointed complaint refund worth
            """
        )
    )
)
# Real words one typo away from a key word, never "corrected" (audited against an English
# word list: "curious" is not "furious", "acceptable" is not "unacceptable").
FUZZY_KEEP = _words(
    """
    curious fiance fiancee financial finances grade graded grades trace traced tirade managed
    manages manger parson toady broker prison reason season refind north forth worthy wroth
    sales salsa sale salt humor humid perso trades traded trader purchased credits signed
    singer negotiable acceptable compliant representation pearson intercept intersect hunan
    """
)

EMOJI: dict[str, str] = {
    **dict.fromkeys("😡🤬😠👿💢", "emojirage"),
    **dict.fromkeys("😞😢😭😤👎😒🙄😩😫💩😕☹🙁😣😖", "emojineg"),
    **dict.fromkeys("😀😃😄😁😊🙂😍🥰👍🙏❤💯🔥🎉🤩😎👌✅💪😂🤣🤝", "emojipos"),
}

NEGATORS = _words("not never nobody without hardly")
CLAUSE_WORDS = _words("but just so because though although if then")
THIRD_PARTIES = _words(
    """
    wife husband son daughter dad father mom mother brother sister friend buddy boyfriend
    girlfriend fiance fiancee partner boss neighbor grandma grandpa uncle aunt cousin roommate
    coworker he she they kid kids parents
    """
)
FIRST_PERSON = _words("i me we us")

# Words that end a vehicle's name ("the blue rav4 | tonight", "the tacoma for me").
_STOP = (
    r"(?:today|tonight|tomorrow|now|right|asap|if|for|at|and|but|so|then|on|with|until|till"
    r"|til|this|that|please|home|in|to|when|or)\b"
)
PLACEHOLDERS: dict[str, str] = {
    "<YOU>": r"(?:you guys|you all|you)",
    "<MODAL_YOU>": r"(?:(?:can|could|would|will|cn|wud) (?:you guys|you all|you)|(?:you guys|you)"
    r" (?:can|could|would|will)|any chance (?:you )?(?:can |could |would )?)",
    "<MONEY>": r"(?:\$ ?\d[\d,]*(?:\.\d+)?(?: ?(?:k|grand|thousand))?|\b\d{1,3}(?:,\d{3})+\b"
    r"|\b\d+(?:\.\d+)? ?(?:k|grand|thousand)\b|\b\d{5,6}\b"
    r"|\b(?:ten|fifteen|twenty|thirty|forty|fifty|sixty)(?: \w+)? (?:grand|thousand)\b)",
    "<BARE>": r"\$?\d{2,3}(?:\.\d)?\b(?! ?(?:am|pm|oclock|minutes|mins|hours|miles|days|weeks"
    r"|percent|a month|per month))",
    # A definite vehicle: "it", "that jeep", "the blue rav4"; not "the warranty".
    "<OBJ>": r"(?:it|this one|that one|(?:this|that) (?!<STOP>|one\b)\w+|this|that|her|him|them"
    r"|the (?!(?:extended |service |maintenance )?(?:warranty|plan|package|appointment"
    r"|accessor\w*|tires?|parts?|insurance|oil|spot|slot|time|line|phone|call|test drive|price"
    r"|deal|paperwork|deposit)\b)(?:(?!<STOP>)\w+ ){0,2}(?!<STOP>)\w+)".replace("<STOP>", _STOP),
    "<TIME>": r"(?:today|tonight|right now|now|this (?:afternoon|evening|morning|weekend|week)"
    r"|tomorrow|asap|before (?:you close|close|closing)|first thing)",
    "<TARGET>": r"(?:a |an |the |your |some |one of your |any )?<DAMN>(?:real |actual |live )?"
    r"(?:human being|human|person|people|someone|somebody|anyone|anybody|sales ?(?:man|woman"
    r"|person|people|guy|lady|rep|team|department|dept|associate|consultant)|sales|manager"
    r"|supervisor|boss|person in charge|someone in charge|rep|representative|agent|employee"
    r"|owner|general manager|gm|finance (?:manager|guy|person|department|dept|office))\b",
}
# An angry shopper's intensifier before the person asked for ("get me a damn manager").
_DAMN = r"(?:(?:damn|darn|freaking|fricking|frickin|fucking|effing|goddamn|bloody) )?"
PLACEHOLDERS["<TARGET>"] = PLACEHOLDERS["<TARGET>"].replace("<DAMN>", _DAMN)
# The shopper's own situation: "my", "me", or "I" with a verb of need or means.
PLACEHOLDERS["<MINE>"] = (
    r"\b(?:my|our|me|us|(?:i|we) (?:need|want|have|had|got|get|do|can|could|would|will|qualify|owe"
    r"|pay|make|earn|afford))\b"
)
# A charge on top of the price: "the doc fee", "taxes", "the dealer fees".
PLACEHOLDERS["<FEE>"] = (
    r"(?:(?:doc(?:umentation)?|dealer|processing|handling|admin(?:istrative)?|prep|destination)"
    r" )?fees?|(?:sales )?tax(?:es)?"
)
# An amount offered for a car, not a monthly payment or a down payment.
PLACEHOLDERS["<PRICE>"] = PLACEHOLDERS["<MONEY>"] + (
    r"(?! ?(?:a|per|every|each) (?:month|mo)\b| monthly| down| cash down)"
)

# One rule per entry: a confidence, then the pattern; indented lines continue it (joined with
# nothing in between, so lines break only at a "|" or "(").
RULES_TEXT = r"""
human_requested
  0.9  \b(?:talk|speak|chat|text|deal|connect me|put me through|transfer me|pass me|hand me off
       |send me) (?:to|with) <TARGET>
  0.85 \b<TARGET> (?:\w+ ){0,2}?(?:call|phone|ring|contact|text|email|reach out to|get back to
       |get in touch with|follow up with|chat with|talk to|talk with|speak to
       |speak with) (?:me|us)\b|\b(?:reach out to|contact|get back to
       |get in touch with) me\b
  0.85 \b(?:want|need|would like|get me|give me|request|prefer|can i get|could i get|can i have
       |may i have|bring me|send me) (?:a |an |the |your |some )?(?:real |actual |live )?(?:human
       |person|sales ?(?:man|rep|person)|manager|supervisor|rep|representative
       |agent)\b(?! to (?:co )?sign)
  0.85 \b(?:call|phone|ring) me(?: back)?\b(?= *(?:$|\||back|at|on|in|asap|please|now|today|tonight
       |tomorrow|this|when|whenever|after|before|anytime|any time|about|regarding|around|between
       |first|later|soon|if|instead|directly|\d|\$|monday|tuesday|wednesday|thursday|friday
       |saturday|sunday|morning|afternoon|evening))
  0.85 \b(?:someone|somebody|anyone|a (?:sales ?(?:person|man|rep)|manager|person|human|real person
       |rep)|your manager|the manager|one of your \w+|sales) (?:from \w+ )?(?:to )?(?:please )?
       (?:call|phone|ring|contact|reach out to|text|email|get back to|get in touch with
       |follow up with) (?:me|us|my \w+)\b
  0.85 \b(?:want|would like|need|request|get|schedule|give me|give us|can i get|could i get|prefer
       |rather have|rather get) (?:a |an )?(?:quick )?(?:call back|phone call|call|ring|buzz)\b
  0.85 \b(?:reach|get ahold of|get a hold of|get hold of|get in touch with
       |connect (?:me )?with) <TARGET>
  0.85 \b(?:get|give|bring|send|connect) me (?:to )?(?:someone|somebody|a person|a human|a rep
       |a manager|an agent|a live agent|a <TARGET>)\b
  0.85 \b(?:get|put) (?:me )?<TARGET> on the (?:phone|line)\b
  0.8  \bis there (?:a |an )?(?:real|actual|live) (?:person|human|people)\b
  0.8  \b<TARGET> (?:\w+ ){0,2}?(?:call|phone|ring|contact|text|reach out
       |get in touch)(?: with)?(?: me| us)? (?:by phone|tomorrow|today|tonight|asap|please|soon|\d)
       |\b(?:is|are) <TARGET> (?:\w+ )?(?:available|around|free|on duty|working)(?: right now| now
       | today| tonight| to (?:talk|chat|call|text|help))?(?= \||$| to (?:talk|chat|call|text
       |help))
  0.8  \b(?:talk|speak|chat) (?:to|with) (?:whoever|the (?:\w+ )?(?:one|guy|lady|person) (?:who
       |that))\b|\b(?:is there|are there) <TARGET> (?:\w+ ){0,3}?(?:i|we) (?:can|could) (?:talk
       |speak|chat)\b
  0.8  \bnot (?:want to )?(?:talk|text|chat|deal|speak)(?:ing)? (?:to|with) (?:a |an |this |the |
       some )?(?:bot|robot|ai|machine|computer|automated)
  0.8  \b(?:tired of|sick of|done with|enough with|hate|fed up with|stop(?: with)?) (?:this |
       these |the |you |talking to (?:a |an |this |the )?|texting (?:a |an |this )?)?(?:stupid |
       dumb |damn |freaking |fucking |your )?(?:bot|bots|robot|robots|ai|machine|automated|canned
       |auto)\b
  0.8  \bno (?:more )?(?:bot|bots|robot|robots|ai)\b
  0.8  \b(?:put|add|sign|write|get) (?:me|us|my name|our name)(?: down| up)? (?:on|to|for|in)
       (?: a| the| your)? (?:wait ?list|waiting list|list|back ?order)\b|\bput my name (?:down|in)\b
  0.8  \b(?:let me know|let us know|text me|call me|notify me|tell me|email me|hit me up|message me
       |ping me|holler) (?:if|when|once|as soon as) (?:it|that|one|another|the (?:\w+ )?\w+|an? \w+
       |something|they|that deal|the deal|you) (?:\w+ ){0,4}?(?:comes? (?:back|in|up|available)
       |becomes? available|falls? (?:through|thru|apart)|is available|frees? up|gets? (?:in|back)
       |(?:are|is) back|opens? up|shows? up|gets? one|goes? back|(?:is|are) (?:freed|released)
       |gets? (?:\w+ ){1,2}in)\b
  0.8  (?:^|(?<=\| ))(?:i want |i need |get me |give me )?(?:a )?(?:real |live |actual )?(?:human
       |person|agent|representative|operator|rep|sales person|manager)(?: please| now| asap)*(?= \|
       |$)
  0.75 \b(?:talk|speak|chat) (?:to|with) (?!(?:you|them|it|my|your|the|a|an|him|her|us|me|myself
       |about|wife|husband|family|anyone|someone)\b)[a-z]{3,}(?= \||$| (?:she|he|who|from|again
       |please|tomorrow|today|when|directly|instead))
  0.75 \b(?:is there|are there|do you have) (?:someone|somebody|anyone|a person|a human
       |a real person|a manager|a sales person) (?:i|we) (?:can|could) (?:talk|speak|chat|call
       |text)|\bwho (?:can|should|do) (?:i|we) (?:talk|speak) (?:to|with)\b

negotiation
  0.9  <MODAL_YOU> ?(?:do|take|accept|go|sell (?:it |her |him |that |this )?(?:to me )?for
       |let (?:it|her|him|that) go for|come down to|drop (?:it |the price )?to|go down to
       |meet me at|get (?:it|me|there) (?:to|at|for)|make it|knock it down to) (?:it |that |this |
       the \w+ )?(?:for |at )?(?:like |about |around |maybe )?<PRICE>
  0.9  \b(?:i|we) (?:will|would|can|could|am willing to|are willing to|want to|would like to
       |only want to|can only|could only) (?:do|pay|offer|give you|go) (?:like |about |around |
       up to |maybe |only )?<PRICE>
  0.85 <MODAL_YOU> ?(?:do|sell) (?:it|that|this|her|him|the \w+) (?:for|at) (?:like |about )?<BARE>
  0.85 \bhow much (?:off|under|below|less than) (?:msrp|sticker|asking|list|the price|invoice)\b
       |<MODAL_YOU> ?(?:do|go) (?:anything|something|better|more) (?:on|with
       |about) (?:the |that |your )?price\b|<MODAL_YOU> ?(?:beat|match|meet)(?: it| that
       | this)?(?= \||$)|(?:<PRICE>|<BARE>) and (?:i|we) (?:will|can|would) (?:take|buy|sign|drive
       |do|pick)\b
  0.85 <MODAL_YOU> ?(?:do|take) <BARE> (?:flat|even|cash|otd|out the door|all in)\b
       |\bmeet (?:me )?in the middle\b|\bsplit the difference\b
  0.85 \b(?:best|lowest|final|bottom ?line|bottom dollar|rock bottom|absolute best|absolute lowest
       |cash) (?:price|deal|number(?! (?:to|i can|for|where) (?:call|reach|text|contact|get))|offer
       |you can do|you can go)\b
  0.85 \b(?:out the door|out of the door|otd|all in price|drive out price)\b
  0.85 <MODAL_YOU> ?(?:take|accept|let (?:it|her|him) go for|sell (?:it|her|him) (?:to me )?for
       |do (?:it|that|this|her|him) for|come down to|go down to|drop (?:it )?to) (?:like |about |
       around )?<BARE>
  0.85 \b(?:my offer is|i am offering|i offer|i will offer|counter offer|how about|what about
       |would you consider|will you consider) (?:like |about |around )?<PRICE>
  0.85 \bhow low (?:can|will|would) <YOU> go\b|\blowest <YOU> (?:can |will |would |could )?(?:go
       |take|accept|do|sell)\b|\b(?:is that|is this|that is) (?:the |your )?(?:lowest
       |best) (?:you can do|price|offer|number|you can go)\b
  0.8  <MODAL_YOU> ?(?:do|go) (?:it |that |this )?(?:for |at )?(?:1[3-9]|[2-9]\d)(?:\.\d)?(?: even
       | flat| cash| otd)?(?= \||$)|\b(?:get|bring|knock|take) (?:the |that |your )?(?:price
       |number) down\b
  0.8  \b(?:absolute )?(?:best|lowest) (?:on|for) (?:the|it|that|this|your)\b|\b(?:knock|shave|chop
       |take|cut|drop) (?:<MONEY>|a grand|a few (?:grand|hundred|bucks)|(?:\d+|a|some|a little
       |a bit|a couple) (?:grand|hundred|thousand|k|bucks|dollars)?) ?off\b|\b(?:help me (?:out )?
       |work with me |do something |move |budge )(?:on|with) (?:the |that |your )?price\b
  0.8  <PRICE> (?:cash(?! down)|firm|final|and (?:it is |its )?(?:a )?deal|and (?:i|we) (?:will
       |can) (?:take|buy|sign|pick|drive|do))
  0.8  (?:<MODAL_YOU>|\bcan we|\bcould we) ?(?:come down|go down|go lower
       |get (?:it |the price )?lower|do (?:any |a little |a bit )?(?:better|lower|less)
       |lower (?:the|your|that) (?:price|number)|drop (?:the |your |that )?(?:price|number)
       |knock (?:\S+ )?off|take (?:\S+ )?off (?:the|that)|bring (?:the |that )?(?:price
       |number) down|budge|work with me|cut me a deal|give me a (?:better |good )?deal
       |make me a deal)\b
  0.8  \b(?:wiggle room|room (?:on|in) (?:the |that |your )?price|room to (?:negotiate|move|haggle
       |work with)|bottom line (?:on|for)|flexib\w* on (?:the |that |your )?price|(?:can we
       |could we|lets|let us|i want to|i would like to|willing to|open to|are you willing to
       |like to) (?:negotiate|haggle|talk (?:about )?(?:the )?(?:price|numbers))|(?:make
       |give) (?:you |me )?(?:an|a) (?:offer|counter ?offer)|throw in|waive (?:the |your |that )?
       (?:<FEE>)|match (?:this|that|the|their|carmax|carvana|a|an)(?: \w+)? (?:price|quote|offer
       |deal)|price match (?:this|that|it|their|the))\b
  0.8  <MODAL_YOU> ?(?:beat|match|meet) (?:that|it|this|their|them|the (?:price|quote|offer|deal
       |number))\b
  0.8  \b(?:knock|take|cut|shave|wipe) (?:off )?(?:the |your |that |those )?(?:<FEE>)(?: off)?\b
       (?<=off)|\b(?:knock|take|cut|shave|wipe) off (?:the |your |that |those )?(?:<FEE>)\b
       |\b(?:drop|remove|eliminate|ditch|skip|get rid of|forgive|zero out) (?:the |your |that |
       those )?(?:<FEE>)\b|<MODAL_YOU> ?(?:cover|pay|eat|absorb|split|pay for|throw in|include)
       (?: the| your| that| those| my)? (?:<FEE>)\b
  0.85 <MODAL_YOU> ?(?:beat|match|meet|top)(?: or (?:beat|match|meet|top))(?: (?:it|that|this|them
       |their \w+|the \w+))?\b
  0.75 \b(?:match|beat|meet|top|price match)\b[^|]{0,40}\b(?:quote|offer|written|in writing)\b
  0.8  \b(?:quote|quoted|offer|offered)\b[^|]{0,80}(?:<MODAL_YOU>|\bcan we|\bplease|\b<YOU> (?:able
       |willing) to|\bany chance) ?(?:match|beat|meet|top)\b
  0.8  \b(?:give|get|offer|do) (?:me |us )?(?:a |any |some )?(?:better|lower) (?:price|deal|number
       |offer)\b|\b(?:better|lower) (?:price|offer|quote|deal) (?:at|from|down the street|elsewhere
       |somewhere)\b
  0.75 \b(?:approve|give|get|want|need|do|apply|take|offer|knock|cut|how about|deserve) (?:me |
       us |them |him |her |(?:the|this|my) customer )?(?:a |an |another |at least )?\d{1,2} ?percent
       (?: off|discount)\b
  0.8  \b(?:sell|sells|selling|give|let|get|buy|what is|price)\b[^|]{0,40}\b(?:at|for) (?:dealer )?
       (?:cost|invoice)\b|\b(?:dealer )?invoice price\b
  0.8  \bhonou?r (?:that|the|this|your|its|their) (?:advertised |online |website |listed |\w+ )?
       (?:price|quote|offer|deal)\b|\b(?:put|get|have|send|give)\b[^|]{0,40}\bin writing\b
  0.75 \b(?:give|get|cut|offer) (?:me |us )?(?:a |some |any |an extra |a little |a bigger )?
       (?:discount|price break|break on (?:the )?price|deal)\b|\b(?:any|a) (?:discount|deal
       |price break) (?:if|for paying|for cash|when|for buying)\b

financing
  0.9  \b(?:credit score|credit|fico|beacon|score) (?:is |of |around |about |like |at |was |only |
       just |in the |sits at )*(?:\d{3}|[4-8]\d{2}s|under \d{3}|below \d{3}|over \d{3}|above \d{3}
       |bad|poor|low|terrible|shot|trash|not great|rough)\b
  0.9  \b\d{3} (?:credit|score|fico|credit score|beacon)\b
  0.9  \b(?:rates?|apr|interest) (?:would|will|could|can|do|might) (?:i|we) (?:get|qualify|be)\b
  0.85 \b(?:my|the) (?:monthly|payment|payments|note) (?:going to|gonna|would|will|be)\b
  0.85 \b(?:financ\w*|approved|loan|lease|qualify) (?:with|at) (?:a |an |my |only )?\d{3}\b
  0.85 \b(?:my|our|mine|wifes|husbands) (?:credit(?! card| union)|credit score|fico|score
       |credit history|credit report)\b
  0.85 \b(?:get|getting|be|being|been|got|am i|will i|would i|could i|can i|get me
       |get us) (?:pre )?(?:approved|financed|denied|declined|turned down)\b|\b(?:will|would|could
       |can|do) (?:i|we) qualify\b|\bchances (?:of|at) (?:getting )?(?:approved|financed
       |approval)\b
  0.85 \b(?:apply|applying|application) (?:for |to )?(?:financing|finance|a loan|an auto loan
       |a car loan|credit|a lease)\b|\b(?:credit|finance|financing|loan) (?:app|application)\b
       |\bfill (?:out|in) (?:the |a |an |your )?(?:credit |finance |financing |loan )?(?:app
       |application)\b
  0.85 \b(?:what|how much) (?:would|will|could|is|are) (?:my|our) (?:monthly |month )?(?:payments?
       |note)\b|\b(?:what|how much) (?:would|will|could) (?:my |the |our )?
       (?:monthly )?payments? be\b|\b(?:my|our) (?:monthly |car )?(?:payments?|note) (?:would|will
       |be|to be|under|around|at|below)\b|\bpayments? (?:would|will|could) be\b|\b(?:keep|get|need
       |want) (?:the |my )?(?:payments?|note|it) (?:under|below|around|near|less than|about)\b
  0.85 \b(?:put|putting|have|got|can do|could do|with|bring|bringing|pay
       |paying) (?:like |about |around )?(?:<MONEY>|\d+ ?k?) down\b|\b(?:zero|no|nothing|0
       |no money) down\b|\bhow much (?:money |cash )?(?:do i |would i |will i |should i |to )?
       (?:need to )?(?:put |have )?down\b
  0.8  \b(?:get|need|want|take out|qualify for) (?:a |an )?(?:car |auto )?loan\b
  0.8  \b(?:bad|poor|no|low|zero|limited|thin|bruised|damaged|rough|challenged|messed up
       |not (?:so |very )?(?:good|great)|terrible|shitty|crappy|good|excellent
       |new) credit\b(?! card| union)
  0.8  \b(?:bankruptcy|bankrupt|repo|repossession|repossessed|foreclosure|collections|charge offs?
       |chapter (?:7|13|seven|thirteen))\b
  0.8  \b(?:what|how much) (?:is|are|would be|will be) (?:the )?(?:monthly )?(?:payments?
       |monthly)\b
  0.8  \$?\d{2,4}(?:\.\d\d)? ?(?:a|per|every|each) ?(?:month|mo|mth)\b|\$?\d{2,4} monthly\b
  0.8  \b(?:what|how much) (?:is |are |would be |will be )?(?:the |your |my |our )?(?:interest )?
       (?:rates?|apr|interest)\b(?! (?:for|on) (?:an? |the )?(?:oil|service|labor|detail|rental
       |loaner|tint|storage|repair))
  0.8  \b(?:i|we) (?:will |would |am going to |are going to |might |definitely |probably )?(?:need
       |want|have|would like|am looking|are looking|plan|am planning|be) (?:to )?(?:finance
       |financing|a loan|an auto loan|a car loan|to get financing|to get a loan|to lease|leasing)\b
       |\bfinancing (?:for|options for) (?:me|us)\b
  0.75 \bfirst time (?:car )?buyer\b|\bco (?:signer|sign\w*)\b|\bguarantor\b
  0.75 \bpre ?(?:approv\w*|qualif\w*)\b
  0.75 \bmonthly (?:payments?|note)\b|\bdown payment\b
  0.7  \b(?:self employed|new job|1099|proof of income|pay ?stubs?|cash job)\b
  0.7  \b\d+(?:\.\d+)? ?percent (?:apr|interest|financing)\b|\binterest rates?\b|\b(?:low|good|best
       |lowest|great) (?:rate|apr)\b
  0.7  \b(?:finance|financing|lease|leasing) (?:it|this|that|the \w+|a \w+|one)\b
  0.7  \b\d{2} ?(?:month|months) (?:loan|term|financing|lease)\b|\b(?:finance|financing|loan
       |lease) (?:it |this |that )?(?:for|over) (?:\d{2} ?months|\d ?years)\b
  0.65 <MINE>[^|]{0,80}\b(?:loan|financ\w*|credit(?! card| union)|apr|interest|monthly
       |down payment|lender|co signer)\b|\b(?:loan|financ\w*|credit(?! card| union)|apr|interest
       |monthly|down payment|lender|co signer)\b[^|]{0,80}<MINE>

trade_in
  0.9  \b(?:what|how much)\b[^|]{0,25}?\b(?:my|our)\b[^|]{0,40}?\b(?:worth|value|valued|go for
       |fetch|trade (?:in )?for)\b
  0.9  \b(?:what|how much)\b[^|]{0,30}?\b(?:<YOU> (?:give|pay|offer|allow)|(?:i|we) (?:get
       |receive))(?: me| us)? (?:for|on) (?:my|our|a|the)\b
  0.85 \b(?:want|looking|like|need|going|planning|thinking of|hoping) to trade(?= in\b| up\b| it\b
       | her\b| him\b| \||$| (?:\w+ ){0,2}?(?:for|toward|towards)\b)|\bthinking (?:of
       |about) trading\b|\b<YOU> (?:give|pay|offer) (?:me |us )?(?:\S+ ){0,3}?(?:for|on) (?:my
       |our)\b
  0.85 \b(?:trade|trading) (?:in )?(?:my|our|mine|\d{4})\b|\btrade (?:it|her|him) in\b|\b(?:can
       |could) (?:i|we) (?:still )?trade (?:it|her|him)\b
  0.85 \b(?:have|got) (?:a |an |my )?(?:\d{4} )?(?:\w+ ){0,2}?to trade\b|\b(?:i|we) (?:have|got
       |would have|will have|also have|do have|have got|am bringing|will be bringing) (?:a |an |
       my )?trade(?: in)?\b(?! ins)|\b(?:my|our|with (?:a|my)|plus (?:a|my)|and (?:a
       |my)) trade(?: in)?\b(?! ins)
  0.85 \b(?:appraise|appraisal (?:on|for|of)|value|valuation (?:on|for|of)|evaluate|quote (?:on
       |for)|offer (?:on|for)|kbb|blue book) (?:on |for |of )?(?:my|our)\b
  0.85 \b(?:sell|selling)(?: you| to you| it to you)? (?:my|our) (?:\d{4} )?\w+\b(?<!info)
       (?<!information)(?<!number)|\b(?:would|will|do|could|can) <YOU> (?:buy|take|purchase) (?:my
       |our)\b
  0.8  \b(?:can|could) (?:i|we) trade in\b|\boffer (?:from \w+ )?(?:for|on) (?:my|our)\b
  0.8  \b(?:what|how much)\b[^|]{0,30}?\b<YOU> (?:give|pay|offer) (?:me |us )?(?:for|on) (?:it|her
       |him)\b
  0.8  \bmy (?:\w+ ){0,3}?(?:is|was) (?:worth|valued at)\b|\b(?:kbb|kelley blue book|blue book
       |carmax|carvana) (?:says|said|offered|value|gave me|quoted)\b
  0.75 \btrade (?:in )?(?:value|worth|price|offer|quote|estimate)\b|\bhow much (?:would|will|could
       |can) <YOU> give(?: me| us)?(?= \||$)
  0.75 \b(?:trade|trading) (?:in )?(?:a|an|the)\b(?! (?:process|policy))
  0.75 \b(?:i|we) (?:still )?owe (?:\S+ ){0,2}?(?:on|for) (?:my|it|the|our)\b|\b(?:upside down
       |underwater|negative equity)\b|\bpay ?off (?:on|of) (?:my|our)\b
  0.65 \b(?:my|our)\b[^|]{0,80}\b(?:trade|trading|appraisal|appraise|worth(?! it))\b
       |\b(?:trade|trading|appraisal|appraise)\b[^|]{0,80}\b(?:my|our)\b
       |\bswap (?:my|our) (?:\w+ ){0,2}?(?:for|toward|towards)\b

complaint
  0.85 \b(?:you|you guys|they|he|she) (?:will not|did not|would not|refuse to|refused to) (?:honor
       |stand behind|cover|refund)\b|\bstill no (?:registration|title|tags|plates|call|update|word
       |response|refund|check|paperwork|parts)\b|\bcame back (?:from (?:service|the shop|you
       |your \w+) )?with (?:a |an )?(?:new )?(?:dent|scratch|ding|damage|stain|crack)
  0.85 \bstill (?:squeak\w*|grind\w*|rattl\w*|leak\w*|shak\w*|pull\w*|stall\w*|overheat\w*|smell\w*
       |vibrat\w*|slip\w*|clunk\w*|knock\w*|broke\w*|hav\w* (?:the same |that |this )?(?:problem
       |issue|trouble)s?|happening|doing (?:it|that|the same)|making (?:that|the|a
       |this) (?:\w+ )?(?:noise|sound))\b
  0.85 \b(?:your|the|that|this) (?:\w+ ){0,2}?(?:man|person|people|staff|team|department|advisor
       |manager|guy|lady|employees?|receptionist|mechanic|tech) (?:is|was|were|are|has been
       |have been) (?:so |very |really |extremely |super |just |incredibly )?(?:\w+ (?:and
       |but) )?(?:terrible|horrible|awful|rude|pushy|condescending|disrespectful|dismissive
       |aggressive|unprofessional|incompetent|useless|dishonest|shady|the worst)\b
  0.85 \b(?:furious|livid|pissed(?: off)?|fuming|outraged|scam|scammed|scammers|scamming|rip ?off
       |ripped (?:me |us )?off|ripping (?:me |us |people )?off|lied|liars?|crooks?|fraud|fraudulent
       |unacceptable|disgusted|disgusting|appalled|bbb|better business bureau|attorney general
       |lawyer|attorney|sue you|suing|small claims|lemon law|sold (?:me|us) a lemon|complaint
       |complain|complaining|refund|my money back|never again|never coming back|never buying
       |never doing business|waste of (?:my |our )?time|bait and switch|false advertising)\b
  0.85 \b(?:you|you guys|you all|you people|your (?:\w+ ){0,2}?(?:people|staff|team|man|person
       |department|service|shop|mechanics?|techs?|dealership|manager|advisor|guy|lady|employees?|receptionist)
       |this (?:place|dealership|dealer)|the (?:sales man|sales person|service advisor|manager
       |service department|service)) (?:are|were|was|is|has been|have been) (?:so |very |really |
       extremely |super |absolutely |completely |totally |just )?(?:terrible|horrible|awful
       |the worst|rude|unprofessional|incompetent|useless|a joke|ridiculous|shady|liars|clowns
       |pathetic|dishonest)\b
  0.85 \bstill (?:not|is not|has not|does not|will not|can not|did not) (?:been )?(?:working|work
       |fixed|fix|right|start|starting|running|resolved|done|sorted|received|gotten|heard)\b
       |\bstill (?:broken|broke|leaking|making (?:that|the|a|this) (?:\w+ )?(?:noise|sound)
       |doing (?:it|that|the same)|having (?:the same |that |this )?(?:problem|issue|trouble)s?
       |happening|smells|shaking|pulling|stalling|overheating|squeaking|grinding|rattling
       |waiting (?:for|on))\b
  0.85 \b(?:came|come|comes|coming|is|went|turned|popped|keeps coming) (?:back )?on again\b
       |\b(?:broke|broken|leaking|happening|doing it|acting up|failed|same problem|same issue
       |same thing) (?:down )?again\b|\bagain (?:after|since) (?:you|your|the|my|i)\b|\b(?:third
       |fourth|fifth|3rd|4th|5th) time\b
  0.85 \b(?:you|you guys|you all|your (?:\w+ ){0,2}?(?:tech|techs|mechanic|mechanics|guys|people
       |shop|service|sales man|sales person|staff)|the (?:sales man|sales person|finance guy
       |finance manager|tech|mechanic|shop|dealership)) (?:\w+ )?(?:lied|scammed|ripped|screwed
       |overcharged|over charged|charged me (?:for|twice|extra|more)|double charged|damaged
       |scratched|dented|broke|messed up|screwed up|ruined|lost|ignored|hung up|never (?:called
       |told|fixed|mentioned|said))\b
  0.8  \b(?:called|texted|emailed|left) (?:you )?(?:like )?(?:\d+|two|three|four|five|several
       |multiple|so many|a bunch of) (?:times|messages|voicemails)\b|\bkeep getting (?:voicemail
       |the runaround|transferred|ignored|hung up on)\b
  0.8  \b(?:i was|we were) (?:promised|told)\b[^|]{0,80}\b(?:and|but) (?:nothing|never|no one|nobody
       |still|no call|no word)\b|\b(?:i|we) (?:never|did not) (?:ask|asked|agree|agreed|sign up
       |signed up) (?:for|to)\b|\b(?:1|one|zero|0) star\b|\b(?:bad|negative|terrible) review\b
       |\breport (?:you|this|your)\b
  0.8  \b(?:i am|we are|am|are|i was|we were|i feel|feeling|getting|so|very|really|extremely|super
       |pretty|beyond|totally|absolutely|honestly|been) (?:so |very |really |extremely |super |
       pretty |beyond |totally |absolutely |getting |quite |incredibly |fucking )?(?:angry|mad
       |upset|frustrated|annoyed|disappointed|furious|livid|pissed|fuming|unhappy|dissatisfied
       |irritated|aggravated|disgusted|let down)\b|\b(?:not|never|less than) (?:very |too |at all |
       really |so |exactly )?(?:happy|satisfied|pleased|impressed)\b
  0.8  \b(?:terrible|horrible|awful|worst|bad|poor|lousy|shitty|crappy|pathetic|rude|unprofessional
       |incompetent|useless|sketchy|shady|dishonest) (?:customer )?(?:service|experience|people
       |staff|sales man|sales person|sales people|manager|dealership|dealer|business|communication
       |job|work|treatment|attitude)\b
  0.8  \byou (?:guys |all )?(?:did not|never|still have not|have not) (?:even |actually )?(?:do|did
       |fix|fixed|finish|change|replace|show|tell|told)\b|\b(?:\d|two|three|four|five|several
       |multiple|too many) times (?:for|with|because of) (?:the )?(?:same|this|that)\b
  0.8  \b(?:never|not|was not|is not|did not get|never got|never been) (?:properly |actually |
       really |even )?(?:fixed|repaired|resolved)\b
  0.8  \b(?:nobody|no one|you never|you guys never|no body)(?: has| have| had| ever| even| once
       | yet| will| would| ever)* (?:call\w*|gets? back|got back|respond\w*|told|mentioned|said
       |explained|disclosed|answer\w*|return\w*|repl\w*|text\w*|email\w*|reach\w* out|follow\w* up
       |contact\w*|picks? up|picked up)\b|\b(?:i|we) (?:still )?(?:have not|never
       |did not) (?:heard back|gotten (?:a |any |my )?(?:call|response|reply|answer|title|tags
       |plates|registration|refund|check)|received (?:a |any |my )?(?:call|response|reply|title
       |tags|plates|registration|refund|check)|got (?:a |any |my )?(?:call|response|reply|title
       |tags|plates|registration|refund|check))\b
  0.8  \b(?:overcharged|over charged|double charged|charged me twice)\b|\b(?:car|truck|it|vehicle
       |suv|van) came back (?:with|worse|dirty|damaged|scratched|dented|broken)\b
  0.75 \b(?:this|that|it) (?:is|was) (?:so |really |absolutely |just |fucking )?(?:ridiculous
       |unacceptable|bullshit|bs|a joke|outrageous|absurd|pathetic)\b|\b(?:ridiculous|outrageous
       |absurd|wtf|bullshit|what the (?:hell|fuck))\b|\b(?:this|you|you guys|service) sucks?\b
  0.75 \b(?:been|still) waiting (?:for |on )?(?:over |more than |almost |nearly |like )?(?:an? |
       \d+ |one |two |three |four |five |six |several |a few |a couple of |a couple )?(?:hours?
       |days?|weeks?|months?|forever|all day|ages)\b

purchase_intent
  0.9  \b(?:buy|purchase|buying|purchasing)(?: <OBJ>| a (?:\w+ ){0,2}?\w+)? <TIME>\b
  0.9  \bready to (?:buy|purchase|sign|do (?:this|it|the deal|a deal)|move forward|pull the trigger
       |make (?:a|the) deal|go ahead|close|roll|finalize)\b|\b(?:decided|going|here
       |prepared) to (?:buy|purchase)\b
  0.9  \b(?:i will|i would|we will|i am going to|going to|i want to|i can) (?:take|buy|purchase
       |grab|get) <OBJ>(?= *(?:$|\||today|tonight|now|please|then|if|at <MONEY>|for <MONEY>))
       |\bi want (?:it|this one|that one)(?= *(?:$|\|))
  0.9  \b(?:put|putting|leave|make|place|send|pay|drop|give you|wire) (?:down )?(?:a |the |my |
       some |an )?(?:deposit|money|cash|something|<MONEY> down|<BARE> down)(?: down)? (?:on|for
       |to hold|to reserve|to secure|and hold) <OBJ>\b
  0.9  \b(?:i will|i can|i want to|i would like to|let me|i am going to|going to|i could|we will
       |we can|happy to|willing to|ready to) (?:put|leave|make|place|send|pay|drop|give you
       |bring) (?:down )?(?:a |the |my |some )?(?:deposit|money down|something down|cash down
       |<MONEY> deposit)\b
  0.9  \bwhere do (?:i|we) sign\b|\b(?:sign|start|draw up|lets do|finish) (?:the )?(?:papers
       |paperwork|contract|deal)\b|\bget (?:the )?(?:papers|paperwork|contract) (?:ready|started
       |going|drawn up)\b|\blets (?:do|make|close) (?:the |a |this )?deal\b|(?:^
       |(?<=\| ))(?:ok |okay |alright |fine |yes |yeah )*(?:(?:it is|you have|you got|we have
       |we got) (?:a |yourself a )?deal|deal|sold)(?= \||$)
  0.85 \b(?:coming|come|be there|be in|stop by|swing by|heading|on my way)\b[^|]{0,20}?\bto (?:buy
       |purchase|sign for) (?:it|her|him|this one|that one|the)\b|\b(?:i am|we are) sold\b
       |\b(?:go ahead|move forward|proceed) (?:with )?(?:the |this )?(?:purchase|deal|paperwork
       |buying)\b|\bput (?:my|our) name on <OBJ>
  0.85 \bsend (?:me|us) (?:over )?(?:the )?(?:paperwork|papers|contract|docs|buyers order)\b
       |\b(?:coming|come|be|stop|swing|heading) (?:in |by |down |over )?(?:<TIME> )?to (?:buy
       |purchase|sign for) (?:it|her|him|this one|that one|the)\b
  0.85 \b(?:want|would like|like|plan|planning|trying|need|going) to (?:buy|purchase) <OBJ>\b
       |\b(?:want|would like|going|here) to (?:sign|pull the trigger|make (?:a|the) deal
       |move forward (?:with|on) (?:it|this|the))\b
  0.85 \b(?:take|taking|accept) (?:a |my )?deposit (?:on|for) <OBJ>\b|\bdeposit (?:on|to hold
       |to reserve|to lock in|to secure|for) <OBJ>\b|\b(?:place|put|leave
       |make) (?:a )?deposit down\b
  0.85 \b(?:hold|reserve|save|set aside|put aside|put a hold on) <OBJ> (?:for me|for us|until|till
       |til|through|for (?:a |the )?(?:day|couple|few|weekend|night)|for \d+|overnight|please)\b
       |\bdo not (?:sell|let (?:anyone|anybody|someone|somebody) (?:else )?(?:buy|have|take
       |get)) (?:it|her|him|that|this|the)\b
  0.8  \bhow (?:do|can|would) (?:i|we) (?:go about )?(?:buy|buying|purchase|purchasing|reserve
       |reserving|secure|securing|lock in|locking in) <OBJ>\b|\bnext steps? (?:to|for|in) (?:buy
       |buying|purchas\w*)\b|\bcan (?:i|we) (?:buy|purchase) <OBJ>\b
  0.8  \b(?:drive|take|bring) <OBJ> home <TIME>\b|\bdrive (?:it )?off the lot\b
  0.8  \b(?:want|would like) (?:it|her|him|this one|that one) <TIME>
  0.75 \b(?:get|grab) (?:it|her|him|this one|that one) (?:today|tonight|right now)\b|\b(?:need
       |have to have|must have) (?:a |another |a new |a used |a reliable )(?:car|truck|suv|van
       |vehicle|ride) (?:by |before )?<TIME>
"""


def _parse(text: str) -> dict[HandoffReason, tuple[tuple[float, str], ...]]:
    """`RULES_TEXT` as `{reason: ((confidence, pattern), ...)}`."""
    rules: dict[str, list[tuple[float, str]]] = {}
    reason = ""
    for line in text.splitlines():
        if line and not line[0].isspace():
            reason = line.strip()
            rules[reason] = []
        elif match := re.fullmatch(r"\s+(\d\.\d+) +(\S.*)", line):
            rules[reason].append((float(match[1]), match[2]))
        elif line.strip():
            confidence, pattern = rules[reason][-1]
            rules[reason][-1] = (confidence, pattern + line.strip())
    return {cast("HandoffReason", name): tuple(found) for name, found in rules.items()}


RULES = _parse(RULES_TEXT)


# The cues below are written like rules: lines joined with nothing in between.
def _joined(text: str) -> str:
    return "".join(line.strip() for line in text.splitlines())


# A complaint told in two parts anywhere in the message: the dealership's work or sale, and a
# problem ("you fixed it last week ... the light came on again").
SERVICE_CUE = _joined(
    r"""
    \b(?:you|you guys|you all|your (?:guys|tech|techs|mechanic|mechanics|shop
    |service(?: department)?|people)|the (?:service|shop|tech|mechanic|dealership))
    (?: just| already| supposedly)? (?:fixed|repaired|replaced|worked on|looked at|serviced
    |said (?:it was|you) fixed|installed|did|sold (?:me|us))\b
    |\b(?:been|was|sat|sitting|back) (?:in|at) (?:your|the) (?:shop|service|dealership|lot
    |store)\b
    |\b(?:after|since) (?:the |my |your |that )?(?:service|repair|repairs|oil change|fix|recall
    |visit|tune up|inspection|brake job)\b
    |\b(?:(?:i|we) )?(?:just )?(?:bought|purchased|picked up|got)
    (?: it| this| the \w+| my \w+| a \w+)? (?:from (?:you|your)|here|there|last (?:week|month)
    |yesterday|\d+ (?:days|weeks) ago)\b
    """
)
PROBLEM_CUE = _joined(
    r"""
    \b(?:again|not (?:working|work|fixed|start|starting|running|right)|broke|broken|leak\w*|noise
    |grinding|rattl\w*|problem|problems|issue|issues|light (?:is |came |come |went |turned )?
    (?:back )?on|stall\w*|overheat\w*|dead|died|smok\w*|scratch\w*|dent\w*|damage\w*|missing
    |wrong|worse|shaking|vibrat\w*|check engine|slipp\w*|squeal\w*|squeak\w*|clunk\w*|knocking
    |stuck|cracked|burning|no (?:update|word|call|response|reply|answer)s?)\b
    """
)
# "Do you offer ...?": a question about what the dealership offers, answered by knowledge.
POLICY_OPENER = _joined(
    r"""
    ^(?:(?:so|and|also|hey|hi|hello|ok|okay|quick question|question|just curious|curious|btw
    |oh) )*(?:(?:do|does|did) (?:you|you guys|you all|your \w+|the (?:dealership|dealer|store))\b
    |(?:is|are) there\b|(?:is|are) (?:the |your )?(?:prices?|listed prices?|internet prices?
    |online prices?|listings?)\b|how does\b|what (?:kind|kinds|type|types|sort) of\b
    |(?:i )?(?:was |am )?(?:just )?(?:wondering|curious)\b|can i ask\b
    |(?:i )?(?:heard|saw|read|noticed|see) (?:that )?(?:you|your|the dealership)\b)
    """
)
# A question about how a process works ("what paperwork do i need for financing", "how does
# the appraisal process work for my trade"): answered from the knowledge; weak cues dropped.
PROCESS_QUESTION = _joined(
    r"""
    \b(?:process|procedure|paperwork|documents?|docs|documentation|steps?|requirements?
    |what (?:do|should|would|will) (?:i|we) (?:need to |have to )?(?:bring|have ready|fill out)
    |how (?:does|do|would|will) (?:the |your |a )?(?:\w+ ){0,2}?work
    |how long (?:does|do|will|would) (?:it|the \w+|an? \w+)(?: \w+)? take
    |(?:what|which) (?:hours|days|time)|hours
    |(?:sales )?tax(?:es)?|doc fee|documentation fee|title fee|registration fee)\b
    """
)
# Anger about somebody else ("the last place was awful") is not a complaint to this dealer.
OTHER_DEALER = _joined(
    r"""
    \b(?:other|another|last|previous|different|former|competing) (?:dealer|dealership|dealers|place
    |shop|lot|store)\b|\bdown the (?:street|road)\b|\b(?:carmax|carvana|vroom|craigslist
    |marketplace|private seller)\b
    """
)
# An amount nobody pays for a car ("for $1", "ill give you a dollar for it"): a prank, not a
# negotiation or a purchase; the assistant declines it itself and pages nobody.
TRIFLING_OFFER = _joined(
    r"""
    (?:(?:\bfor|\b(?:give|pay|offer|take|accept)(?: you)?) (?:like |just |only )?(?:\$ ?[1-9]\d?
    (?!\d|[.,]\d| ?(?:k|grand|thousand|hundred|million)\b)|(?:a|one) (?:dollar|buck|penny)
    |[1-9]\d? (?:dollars|bucks)|(?:two|five|ten|twenty) (?:dollars|bucks))|\bone (?:dollar|buck)
    |(?<![\w$.,])\$ ?[1-9](?!\d|[.,]\d| ?(?:k|grand|thousand|hundred|million)\b))\b
    (?! ?(?:a|per) (?:month|mo)\b| ?off\b| (?:a|per) mile)
    """
)
# An out-the-door question that asks what makes up the total ("whats out the door on the
# sonata, doc fee and taxes", "otd price breakdown?") is answered from the dealership's fee
# page; with a word asking for less ("best otd price", "lowest you'll go otd") it stays a
# negotiation, as does any amount offered (caught by the other rules).
OUT_THE_DOOR = r"(?:out the door|out of the door|otd|all in price|drive out price)"
BREAKDOWN = _joined(
    r"""
    \b(?:break ?down|broken down|break it down|itemi[sz]\w*|line items?|fees?|tax|taxes|title
    |registration|tags|plates|include|includes|included|including|incl|exclud\w*|on top|plus
    |added|consists?|made up of|goes into|parts
    |rough|roughly|ballpark|approx\w*|estimate[ds]?|ish|ish\?|around about|give or take)\b
    """
)
ASKS_LESS = _joined(
    r"""
    \b(?:best|lowest|bottom|final|cheapest|lower|better|cheaper|less|discount\w*|deal|knock
    |drop|waive|off|match|beat|come down|go down|negotiat\w*|wiggle|flexib\w*|budge)\b
    |<MONEY>
    """
)

# "Not now": no purchase intent in the same sentence.
DELAY = _joined(
    r"""
    \b(?:next (?:year|month|spring|summer|fall|winter)|eventually|someday|some day|down the road
    |in a (?:few|couple) (?:months|years)|just (?:browsing|looking)|not (?:yet|right now
    |anytime soon)|no rush|maybe later|later this year|in the future)\b
    """
)

NEGATIVE_WORDS = _words(
    """
    bad terrible horrible awful worst hate hated angry mad upset frustrated annoyed disappointed
    furious livid pissed ridiculous unacceptable scam scammed rude broken problem issue wrong
    waste sucks useless lied liars worse slow unhappy dissatisfied disgusted pathetic wtf
    bullshit complaint complain refund lemon shady fuming emojineg emojirage
    """
)
POSITIVE_WORDS = _words(
    """
    great awesome thanks thank love loved perfect amazing excellent good nice happy appreciate
    appreciated helpful cool sweet fantastic wonderful glad excited beautiful pleased satisfied
    impressed stoked emojipos
    """
)
