"""The phrasebook: our own words for the letters (R3 variants, R4, R7, R8, R14).

Data only; context.py picks from it. Every list holds eight phrasings, and the letters to one
panel take different ones in every slot, so a panel of up to eight people shares no sentence
(apart from the salutation, the close and the facts every letter states).
"""

from __future__ import annotations

APPRECIATION = (
    "Thank you for taking the time to meet with me about {the_position}{at_company}{on_day}.",
    "I appreciated your interest in my application for {the_position}{at_company} and the "
    "time you spent with me{on_day}.",
    "Thank you for meeting with me{on_day}. I appreciated your interest in my background and "
    "the chance to learn more about {the_position}{at_company}.",
    "I am grateful for your time and for the interest you showed in my background when we "
    "discussed {the_position}{at_company}{on_day}.",
    "Thank you for the time you gave me{on_day} to talk about {the_position}{at_company}, and "
    "for your interest in my work.",
    "It was kind of you to spend time with me{on_day}, and I appreciated your interest in my "
    "application for {the_position}{at_company}.",
    "Thank you for our meeting{on_day} and for the careful attention you gave my application "
    "for {the_position}{at_company}.",
    "I want to thank you for your time{on_day} and for the thoughtful questions you asked "
    "about {the_position}{at_company}.",
)
PERSONAL = (
    "I especially enjoyed our conversation about {note}.",
    "Our discussion of {note} has stayed with me since.",
    "I particularly valued hearing your thoughts on {note}.",
    "Thank you, too, for the conversation about {note}.",
    "Talking with you about {note} was a highlight of the day.",
    "I keep coming back to what you said about {note}.",
    "Your view of {note} gave me a great deal to think about.",
    "I learned a lot from our exchange about {note}.",
)
INTEREST = (
    "Our conversation confirmed my interest in the position and in the work of {team}.",
    "I left our meeting even more interested in the role and in contributing to {team}.",
    "Everything I learned strengthened my interest in joining {team}.",
    "I remain very interested in this role and in the direction of {team}.",
    "I am keen to bring my experience to {team} and to take on this role.",
    "The more I heard about {team}, the more eager I became to contribute to its work.",
    "I am enthusiastic about the role and about what {team} is setting out to do.",
    "Seeing how {team} works made me all the more interested in joining you.",
)
INTEREST_UNSURE = (  # Want Job = Unsure: interest, stated plainly, without overstatement
    "I am interested in the role and would welcome learning more about the plans of {team}.",
    "Our conversation gave me a good picture of {team}, and I am interested in hearing more "
    "about the role.",
    "The role has my interest, and I would like to understand more about the work at {team}.",
    "I am interested in the position and would be glad to hear more about where {team} is heading.",
    "I am interested in the work of {team}, and I would be glad to explore the role further.",
    "My interest in the role has grown, and I would welcome the chance to learn more about {team}.",
    "I am interested in how the role could develop at {team}, and I would be glad to talk further.",
    "I would be glad to continue our conversation; I am interested in the role and in the "
    "work of {team}.",
)
NO_INTEREST = (  # R4: thanks and a wish to stay in touch, no claim of interest in the job
    "I enjoyed learning about {team} and the people who make it work, and I hope we can stay "
    "in touch.",
    "Learning how your team works was a pleasure, and I would welcome staying in touch.",
    "I valued everything I learned about {team}, and I hope our paths cross again.",
    "It was a pleasure to learn about your work, and I would be glad to keep in touch.",
    "Hearing about the work of {team} was time well spent, and I hope we meet again.",
    "I came away with a clear picture of {team}, and I would like us to stay in contact.",
    "Our conversation taught me a good deal about {team}, and I hope to keep the connection.",
    "I am glad to have met you and learned about {team}, and I hope we will stay in contact.",
)
STRENGTHS = (
    "As we discussed, I bring {strengths}.",
    "I would bring {strengths} to this role.",
    "In this role I would draw on {strengths}.",
    "I am confident that {strengths} would let me contribute from the start.",
    "What I offer includes {strengths}.",
    "I would put {strengths} to work for your team from the first day.",
    "My background gives me {strengths}, which fit the needs you described.",
    "You can count on me for {strengths}.",
)
STRENGTHS_NO = (  # each reads well after any NO_INTEREST sentence
    "Thank you as well for the chance to talk about {strengths}.",
    "I was glad to have the chance to talk about {strengths}.",
    "I appreciated your questions about {strengths}.",
    "I enjoyed telling you about {strengths}.",
    "It was good to compare notes on {strengths}.",
    "I valued the chance to describe {strengths}.",
    "Your questions about {strengths} were a pleasure to answer.",
    "I was pleased to talk with you about {strengths}.",
)
#: Leads for Strengths written as one full sentence (quoted as typed after the colon).
STRENGTHS_SENTENCE = (
    "To restate what I would bring:",
    "In short, what I offer:",
    "To sum up my qualifications:",
    "A brief reminder of my background:",
    "What I would bring, in a sentence:",
    "To recap my strengths:",
    "My qualifications in brief:",
    "As a reminder of what I offer:",
)
STRENGTHS_SENTENCE_NO = (
    "As we discussed:",
    "As I mentioned:",
    "To recap our conversation:",
    "In brief:",
    "For your notes:",
    "As I described:",
    "To sum up what I shared:",
    "As I said when we met:",
)
FORGOT = (
    "One thing I did not get to mention: {forgot}",
    "I would also like to add something I did not mention during the interview: {forgot}",
    "There is one more thing I meant to tell you: {forgot}",
    "I also want to add a point we did not cover: {forgot}",
    "Something I left out when we spoke: {forgot}",
    "Afterwards I noticed I had left something out: {forgot}",
    "Let me add one point that did not come up: {forgot}",
    "One more detail that may be useful: {forgot}",
)
ENCLOSED = (  # two or more enclosures
    "As you requested, I have {enclosed} the following: {items}.",
    "You will find {enclosed} the materials you asked for: {items}.",
    "I have {enclosed} the documents you asked me to send: {items}.",
    "As promised, the materials you requested are {enclosed}: {items}.",
    "Please find {enclosed} the documents we discussed: {items}.",
    "As we agreed, I have {enclosed} these documents: {items}.",
    "For your review, I have {enclosed} the following: {items}.",
    "To follow up on your request, the following are {enclosed}: {items}.",
)
ENCLOSED_ONE = (  # one enclosure: "I have enclosed my CV."
    "As you requested, I have {enclosed} {item}.",
    "You will find {item} {enclosed}.",
    "I have {enclosed} {item}, as you asked.",
    "For your review, I have {enclosed} {item}.",
    "As we agreed, I have {enclosed} {item}.",
    "I have {enclosed} {item} for you to look over.",
    "Following up on your request, I have {enclosed} {item}.",
    "Please find {item} {enclosed}.",
)
CLOSING = (
    "I look forward to hearing from you about the next steps.",
    "Please let me know if I can provide anything else. I look forward to hearing from you.",
    "Thank you again for your time and consideration. I look forward to our next conversation.",
    "I would be glad to answer any further questions, and I look forward to hearing from you.",
    "If anything else would help your decision, please let me know.",
    "I hope to hear from you soon about the next stage.",
    "Should you need more information, I am happy to provide it.",
    "Please feel free to contact me with any questions; I look forward to the next step.",
)
CLOSING_NO = (
    "Thank you again for your time and courtesy.",
    "With thanks again for your time, I wish you and your team every success.",
    "Thank you once more for a thoughtful conversation.",
    "Thank you again, and best wishes to you and your colleagues.",
    "I wish you every success with the search.",
    "My thanks again for a generous hour of your time.",
    "I send my best wishes for the work ahead.",
    "Thank you again for your openness during our meeting.",
)
DECISION = (  # the decision date is a fact every letter of the panel states, in its own words
    "I understand that a decision is expected by {decision}.",
    "I know you hope to decide by {decision}.",
    "I understand the team plans to decide by {decision}.",
    "You mentioned a decision by {decision}, and I will keep that date in mind.",
    "I note that you expect to reach a decision by {decision}.",
    "I understand the next step should be clear by {decision}.",
    "As you said, a decision should come by {decision}.",
    "I gather a decision is planned for {decision}.",
)
CARD_THANKS = (
    "Thank you for the warm welcome when I visited {team}{on_day}.",
    "Thank you for your kindness and help during my visit to {team}{on_day}.",
    "Thank you for making me feel welcome at {team}{on_day}.",
    "I appreciated your friendly help when I came to {team}{on_day}.",
    "Thank you for looking after me so well at {team}{on_day}.",
    "Many thanks for your help when I visited {team}{on_day}.",
    "Thank you for the kind reception at {team}{on_day}.",
    "I am grateful for the welcome you gave me at {team}{on_day}.",
)
CARD_PERSONAL = (
    "I enjoyed our chat about {note}.",
    "It was a pleasure talking with you about {note}.",
    "Our conversation about {note} made the wait fly by.",
    "I still smile thinking of our talk about {note}.",
    "Thank you for telling me about {note}.",
    "Hearing about {note} brightened my day.",
    "I enjoyed hearing about {note}.",
    "Our talk about {note} put me at ease.",
)
CARD_END = (
    "Your help made the visit go smoothly, and I am grateful.",
    "It made a real difference to my day.",
    "I hope to see you again soon.",
    "You made a busy day feel easy.",
    "Your kindness did not go unnoticed.",
    "It was a pleasure to meet you.",
    "I hope the rest of your week goes well.",
    "Your warmth made a good impression on me.",
)
#: Keep-in-touch (R14): how the process ended, as the start of an OUTCOME_REST sentence.
OUTCOME = {
    "Not Selected": "Although I was not chosen this time",
    "Position Filled": "Although the position has now been filled",
    "Withdrawn": "Although I withdrew from the process",
    "Offer Declined": "Although I decided not to accept the offer",
}
OUTCOME_REST = (
    "{although}, I valued meeting you and learning about your work.",
    "{although}, I am glad to have met you and heard about your work.",
    "{although}, our conversation taught me a great deal.",
    "{although}, I enjoyed getting to know you and your team.",
    "{although}, meeting you was well worth it.",
    "{although}, I came away with real respect for the work of your team.",
    "{although}, I value the time we spent together.",
    "{although}, I learned much from you about the field.",
)
KEEP_OPEN = (
    "Thank you again for considering me for {the_position}{at_company}.",
    "I appreciated being considered for {the_position}{at_company}.",
    "Thank you for the time you gave my application for {the_position}{at_company}.",
    "I am grateful for the consideration you gave me for {the_position}{at_company}.",
    "Thank you for including me in your search for {the_position}{at_company}.",
    "My thanks for considering my application for {the_position}{at_company}.",
    "I want to thank you for your part in the process for {the_position}{at_company}.",
    "Thank you for the care you took over my application for {the_position}{at_company}.",
)
NETWORK = (
    "I would like to stay in touch. I have added you to my professional network, and I hope "
    "you will keep me in yours.",
    "I hope we can stay in contact; I have added you to my network and would be glad to be "
    "part of yours.",
    "I would value keeping in touch, and I hope you will count me in your professional network.",
    "I have added you to my professional network, and I would be glad to be in yours as well.",
    "Please keep me in your network; I would be glad to stay connected.",
    "I would like us to stay connected, and I hope you will keep me in your network.",
    "Staying in touch would mean a lot to me, so I have added you to my network and hope you "
    "will add me to yours.",
    "I hope our paths keep crossing, and I would be glad to be part of your professional network.",
)
REFERRAL = (
    "If you know of anyone who could use someone with {strengths}, I would be grateful for a "
    "referral or an introduction.",
    "Should you hear of a team that needs {strengths}, I would welcome a referral.",
    "If a colleague of yours is looking for {strengths}, a referral or an introduction would "
    "be much appreciated.",
    "I would be grateful for a referral to anyone in your circle who values {strengths}.",
    "If someone you know could use {strengths}, I would appreciate a referral or a word of "
    "introduction.",
    "Any referral to people who need {strengths} would be very welcome.",
    "Should anyone ask you about a candidate with {strengths}, I would be glad of a referral.",
    "I would welcome a referral if you come across a company looking for {strengths}.",
)
REFERRAL_PLAIN = (
    "If you know of others in your field who might welcome a conversation with me, I would be "
    "grateful for a referral or an introduction.",
    "I would welcome a referral to anyone in your field who might be glad to talk with me.",
    "Should you think of a colleague I ought to meet, a referral would be much appreciated.",
    "Any referral or introduction to people in your field would mean a great deal to me.",
    "If someone comes to mind who would be worth my speaking to, I would be grateful for a "
    "referral.",
    "I would appreciate a referral to anyone you think I should meet.",
    "A referral to a colleague who is hiring would be most welcome.",
    "If you hear of an opening elsewhere, I would be thankful for a referral.",
)
KEEP_CLOSE = (
    "Thank you for your time, and I wish you continued success.",
    "With thanks, I wish you and your team all the best.",
    "I wish you every success in the months ahead.",
    "Thank you again, and I hope to speak with you before long.",
    "All the best to you and your colleagues.",
    "I look forward to staying in touch.",
    "With my thanks and best wishes for your work.",
    "I hope we meet again soon.",
)
