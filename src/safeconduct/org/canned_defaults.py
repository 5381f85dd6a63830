"""The starting set of canned replies a new installation gets at `init`: edit them in the console.

Plain data, in English, French and Arabic; organisations rewrite them in their own voice.
"""

from __future__ import annotations

STARTING_SET: list[dict[str, str]] = [
    {
        "title_en": "Acknowledgement", "title_fr": "Accusé de réception", "title_ar": "إشعار بالاستلام",
        "text_en": "Thank you for writing to us. We have received your message and a caseworker is reading it.",
        "text_fr": "Merci de nous avoir écrit. Nous avons bien reçu votre message et une personne de notre "
                   "équipe le lit.",
        "text_ar": "شكرًا لكتابتك إلينا. لقد استلمنا رسالتك ويقرؤها الآن أحد العاملين على الحالات.",
    },
    {
        "title_en": "We will answer within a few days", "title_fr": "Nous répondrons sous quelques jours",
        "title_ar": "سنرد خلال أيام قليلة",
        "text_en": "We will answer you within 3 days. Come back to this page with your codename to read our "
                   "reply.",
        "text_fr": "Nous vous répondrons dans les 3 jours. Revenez sur cette page avec votre nom de code pour "
                   "lire notre réponse.",
        "text_ar": "سنرد عليك خلال 3 أيام. عد إلى هذه الصفحة باسمك الرمزي لقراءة ردنا.",
    },
    {
        "title_en": "Please do not share identifying details here",
        "title_fr": "Ne partagez pas ici de détails qui vous identifient",
        "title_ar": "من فضلك لا تشارك هنا تفاصيل تكشف هويتك",
        "text_en": "For your safety, please do not write your name, your phone number, your exact location or "
                   "the names of other people here. We do not need them to help you.",
        "text_fr": "Pour votre sécurité, n'écrivez pas ici votre nom, votre numéro de téléphone, l'endroit "
                   "exact où vous êtes ni le nom d'autres personnes. Nous n'en avons pas besoin pour vous aider.",
        "text_ar": "حفاظًا على سلامتك، من فضلك لا تكتب هنا اسمك أو رقم هاتفك أو مكانك بالضبط أو أسماء أشخاص "
                   "آخرين. لا نحتاج إليها لمساعدتك.",
    },
    {
        "title_en": "How to keep your codename safe", "title_fr": "Comment protéger votre nom de code",
        "title_ar": "كيف تحافظ على اسمك الرمزي",
        "text_en": "Your codename is the only key to this conversation. Learn it by heart or keep it hidden, "
                   "never in your phone's notes or photos. Do not give it to anyone. If you think someone "
                   "knows it, tell us here.",
        "text_fr": "Votre nom de code est la seule clé de cette conversation. Apprenez-le par cœur ou cachez-le, "
                   "jamais dans les notes ou les photos de votre téléphone. Ne le donnez à personne. Si vous "
                   "pensez que quelqu'un le connaît, dites-le-nous ici.",
        "text_ar": "اسمك الرمزي هو المفتاح الوحيد لهذه المحادثة. احفظه عن ظهر قلب أو أخفه، ولا تضعه أبدًا في "
                   "ملاحظات هاتفك أو صوره. لا تعطه لأي أحد. إذا ظننت أن أحدًا يعرفه، فأخبرنا هنا.",
    },
]
