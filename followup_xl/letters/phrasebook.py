"""The phrasebook: our own words for the letters (R3 variants, R4, R7, R8, R14).

Data only; context.py picks from it.
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
)
PERSONAL = (
    "I especially enjoyed our conversation about {note}.",
    "Our discussion of {note} has stayed with me since.",
    "I particularly valued hearing your thoughts on {note}.",
    "Thank you, too, for the conversation about {note}.",
)
INTEREST = (
    "Our conversation confirmed my interest in the position and in the work of {team}.",
    "I left our meeting even more interested in the role and in contributing to {team}.",
    "Everything I learned strengthened my interest in joining {team}.",
    "I remain very interested in this role and in the direction of {team}.",
)
NO_INTEREST = (  # R4: thanks and a wish to stay in touch, no claim of interest in the job
    "I enjoyed learning about {team} and the people who make it work, and I hope we can stay "
    "in touch.",
    "Learning how your team works was a pleasure, and I would welcome staying in touch.",
    "I valued everything I learned about {team}, and I hope our paths cross again.",
    "It was a pleasure to learn about your work, and I would be glad to keep in touch.",
)
STRENGTHS = (
    "As we discussed, I bring {strengths}.",
    "I would bring {strengths} to this role.",
    "In this role I would draw on {strengths}.",
    "I am confident that {strengths} would let me contribute from the start.",
)
STRENGTHS_NO = (  # each reads well after the NO_INTEREST sentence it is paired with
    "Thank you as well for the chance to talk about {strengths}.",
    "I was glad to have the chance to talk about {strengths}.",
    "I appreciated your questions about {strengths}.",
    "I enjoyed telling you about {strengths}.",
)
FORGOT = (
    "One thing I did not get to mention: {forgot}",
    "I would also like to add something I did not mention during the interview: {forgot}",
    "There is one more thing I meant to tell you: {forgot}",
    "I also want to add a point we did not cover: {forgot}",
)
ENCLOSED = (
    "As you requested, I have {enclosed} the following: {items}.",
    "You will find {enclosed} the materials you asked for: {items}.",
    "I have {enclosed} what you asked me to send: {items}.",
    "As promised, the materials you requested are {enclosed}: {items}.",
)
CLOSING = (
    "I look forward to hearing from you about the next steps.",
    "Please let me know if I can provide anything else. I look forward to hearing from you.",
    "Thank you again for your time and consideration. I look forward to our next conversation.",
    "I would be glad to answer any further questions, and I look forward to hearing from you.",
)
CLOSING_NO = (
    "Thank you again for your time and courtesy.",
    "With thanks again for your time, I wish you and your team every success.",
    "Thank you once more for a thoughtful conversation.",
    "Thank you again, and best wishes to you and your colleagues.",
)
CARD_THANKS = (
    "Thank you for the warm welcome when I visited {team}{on_day}.",
    "Thank you for your kindness and help during my visit to {team}{on_day}.",
    "Thank you for making me feel welcome at {team}{on_day}.",
    "I appreciated your friendly help when I came to {team}{on_day}.",
)
CARD_PERSONAL = (
    "I enjoyed our chat about {note}.",
    "It was a pleasure talking with you about {note}.",
    "Our conversation about {note} made the wait fly by.",
    "I still smile thinking of our talk about {note}.",
)
CARD_END = (
    "Your help made the visit go smoothly, and I am grateful.",
    "It made a real difference to my day.",
    "I hope to see you again soon.",
    "You made a busy day feel easy.",
)
OUTCOME = {
    "Not Selected": "Although I was not chosen this time, I valued meeting you and learning "
    "about your work.",
    "Position Filled": "Although the position has now been filled, I valued meeting you and "
    "learning about your work.",
    "Withdrawn": "Although I withdrew from the process, I valued meeting you and learning "
    "about your work.",
    "Offer Declined": "Although I decided not to accept the offer, I valued meeting you and "
    "learning about your work.",
}
KEEP_OPEN = "Thank you again for considering me for {the_position}{at_company}."
NETWORK = (
    "I would like to stay in touch. I have added you to my professional network, and I hope "
    "you will keep me in yours."
)
REFERRAL = (
    "If you know of anyone who could use someone with {strengths}, I would be grateful for a "
    "referral or an introduction."
)
REFERRAL_PLAIN = (
    "If you know of others in your field who might welcome a conversation with me, I would be "
    "grateful for a referral or an introduction."
)
KEEP_CLOSE = "Thank you for your time, and I wish you continued success."
