"""Where the case stands, in words for the person who wrote: plain, reassuring, and never internal.

The workflow's states (``cases/workflow.py``) are the organisation's working vocabulary: "vetting" or
"rejected" would tell a person (or whoever holds their phone) how the organisation judges them. So the
contact sees one sentence per state, chosen so that nothing about vetting, its outcome or its reasons can
be read from it: a rejected case reads exactly like a closed one, and vetting like any first reading.
"""

from __future__ import annotations

from safeconduct.i18n_markers import N_

RECEIVED = N_("Your messages have reached us. A caseworker will read them soon.")
READ = N_("Your conversation has been read by a caseworker.")
ENDED = N_("Our work together on this conversation has ended. You can still write to us here.")

DESCRIPTIONS = {
    "new_contact": RECEIVED,
    "vetting": READ,
    "advising": N_("A caseworker is looking at your situation and will advise you on the next steps."),
    "return_requested": N_("We are preparing the steps with the authorities."),
    "return_organised": N_("The steps with the authorities are arranged. Your caseworker will tell you what "
                           "happens next."),
    "returned": N_("You have returned. We stay in touch to help you with what comes next."),
    "in_proceedings": N_("The legal procedure is under way. Your caseworker will keep you informed."),
    "closed": ENDED,
    "rejected": ENDED,
    "withdrawn": ENDED,
    "contact_lost": N_("We have not heard from you for a while. Write to us when you can: your conversation is "
                       "still here."),
}


def describe(state: str, *, caseworker_replied: bool) -> str:
    """The sentence (untranslated, for the page to translate) for a case in `state`.

    A new conversation that a caseworker already answered has evidently been read.
    """
    main = state.partition("/")[0]
    if main == "new_contact" and caseworker_replied:
        return READ
    return DESCRIPTIONS.get(main, READ)
