"""Sentences the demo posts are assembled from, per topic and language.

No sentence contains ``#``, ``@`` or a URL: those are added as separate tokens, so that the
``hashtags``, ``mentions`` and ``urls`` columns are exactly what a parser finds in the text.
"""

from __future__ import annotations

__all__ = ["BODIES", "CITIES", "LANGS", "NAMES", "OPENERS", "QUOTES", "REPLIES", "URLS", "WORDS"]

LANGS = ("en", "es", "fr", "de", "it", "pt", "tr", "ja")

BODIES: dict[str, dict[str, tuple[str, ...]]] = {
    "it_outage": {
        "en": ("Blue screens everywhere, our whole office is down.",
               "Flights grounded and card payments failing, what a morning.",
               "Is anyone else's work laptop stuck in a reboot loop?",
               "Hospitals and TV channels off the air at the same time, unreal."),
        "es": ("Pantallas azules por todas partes, la oficina entera está caída.",
               "Vuelos cancelados y pagos con tarjeta fallando, vaya mañana.",
               "¿A alguien más se le reinicia el portátil del trabajo sin parar?"),
        "fr": ("Écrans bleus partout, tout le bureau est à l'arrêt.",
               "Vols cloués au sol et paiements par carte en panne, quelle matinée.",
               "Quelqu'un d'autre a son ordinateur du travail qui redémarre en boucle ?"),
        "de": ("Überall blaue Bildschirme, das ganze Büro steht still.",
               "Flüge gestrichen und Kartenzahlungen gehen nicht, was für ein Morgen."),
        "it": ("Schermate blu ovunque, tutto l'ufficio è fermo.",
               "Voli cancellati e pagamenti con carta bloccati, che mattinata."),
        "pt": ("Telas azuis em todo lugar, o escritório inteiro parou.",
               "Voos cancelados e pagamentos com cartão falhando, que manhã."),
        "tr": ("Her yerde mavi ekran, bütün ofis çöktü.",
               "Uçuşlar iptal, kartla ödeme yapılamıyor, ne sabah ama.",
               "Başka kimin iş bilgisayarı sürekli yeniden başlıyor?"),
        "ja": ("どこもかしこもブルースクリーンで、会社全体が止まっている。",
               "飛行機は欠航、カード決済もできない。大変な朝だ。",
               "仕事のパソコンが再起動を繰り返しているのは私だけ？"),
    },
    "olympics": {
        "en": ("What a final, the whole stadium was on its feet.",
               "Watching the swimming heats before work, no regrets.",
               "That relay finish was the best race of the games so far.",
               "The opening ceremony on the river was something else."),
        "es": ("Qué final, todo el estadio de pie.",
               "Viendo las series de natación antes del trabajo.",
               "Ese relevo ha sido la mejor carrera de los juegos."),
        "fr": ("Quelle finale, tout le stade était debout.",
               "Les séries de natation avant le boulot, aucun regret.",
               "Ce relais, la plus belle course des Jeux pour l'instant."),
        "de": ("Was für ein Finale, das ganze Stadion stand.",
               "Die Schwimmvorläufe vor der Arbeit, keine Reue."),
        "it": ("Che finale, tutto lo stadio in piedi.",
               "Le batterie di nuoto prima del lavoro, nessun rimpianto."),
        "pt": ("Que final, o estádio inteiro de pé.",
               "Vendo as eliminatórias de natação antes do trabalho."),
        "tr": ("Ne final ama, bütün stadyum ayaktaydı.",
               "İşten önce yüzme elemelerini izliyorum, hiç pişman değilim."),
        "ja": ("すごい決勝だった、スタジアム全体が総立ち。",
               "出勤前に競泳の予選を観戦、最高の朝。"),
    },
    "boycott": {
        "en": ("Not spending a cent at NovaMart until workers get fair pay.",
               "Cancelled my NovaMart order today, buying local instead.",
               "Day three of the boycott and the stores look empty.",
               "NovaMart profits doubled while wages stayed flat. We are done."),
        "es": ("Ni un céntimo más en NovaMart hasta que paguen salarios justos.",
               "Hoy cancelé mi pedido de NovaMart, compro en el barrio."),
        "fr": ("Plus un centime chez NovaMart tant que les salaires ne sont pas justes.",
               "J'ai annulé ma commande NovaMart, j'achète local."),
        "de": ("Keinen Cent mehr bei NovaMart, bis die Löhne fair sind.",
               "Heute meine NovaMart Bestellung storniert, ich kaufe lokal."),
    },
    "trend": {
        "en": ("Tried the mirror dance with my grandma and she nailed it.",
               "Take twelve of the mirror dance, my cat keeps walking in.",
               "Mirror dance but make it office edition."),
        "es": ("Probé el baile del espejo con mi abuela y lo bordó.",
               "Baile del espejo, versión oficina."),
        "fr": ("J'ai tenté la danse du miroir avec ma grand-mère, elle gère.",
               "Danse du miroir, version bureau."),
        "de": ("Den Spiegeltanz mit Oma probiert, sie kann es besser als ich.",),
        "it": ("Ho provato il ballo dello specchio con la nonna, bravissima.",),
        "pt": ("Tentei a dança do espelho com a minha avó e ela arrasou.",),
        "tr": ("Ayna dansını babaannemle denedim, benden iyi yaptı.",),
        "ja": ("おばあちゃんとミラーダンスに挑戦、完璧だった。",
               "ミラーダンス、オフィス編。"),
    },
    "background": {
        "en": ("Coffee first, then we talk.", "New playlist for the weekend is up.",
               "Finally finished that book everyone was talking about.",
               "Rain all day, perfect excuse to stay in.",
               "Trying a new pasta recipe tonight.", "Morning run done, feeling great."),
        "es": ("Primero café, luego hablamos.", "Por fin terminé ese libro.",
               "Lluvia todo el día, plan perfecto para quedarse en casa.",
               "Esta noche pruebo una receta nueva."),
        "fr": ("D'abord un café, ensuite on parle.",
               "Enfin fini ce livre dont tout le monde parle.",
               "Pluie toute la journée, parfait pour rester au chaud.",
               "Nouvelle recette de pâtes ce soir."),
        "de": ("Erst Kaffee, dann reden wir.", "Endlich das Buch ausgelesen.",
               "Den ganzen Tag Regen, perfekt zum Drinbleiben."),
        "it": ("Prima il caffè, poi parliamo.", "Finalmente ho finito quel libro.",
               "Pioggia tutto il giorno, scusa perfetta per restare a casa."),
        "pt": ("Primeiro café, depois a gente conversa.", "Finalmente terminei aquele livro.",
               "Chuva o dia todo, desculpa perfeita para ficar em casa."),
        "tr": ("Önce kahve, sonra konuşuruz.", "Sonunda herkesin konuştuğu kitabı bitirdim.",
               "Bütün gün yağmur, evde kalmak için harika bir bahane."),
        "ja": ("まずはコーヒー、話はそれから。", "話題の本をやっと読み終えた。",
               "一日中雨、家にいる口実にぴったり。"),
    },
}  # fmt: skip
"""Original-post sentences: topic -> language -> sentences (English is the fallback)."""

OPENERS: dict[str, tuple[str, ...]] = {
    "en": ("Wow.", "Honestly,", "Okay so", "Unreal."),
    "es": ("Madre mía.", "Sinceramente,", "Bueno,"),
    "fr": ("Incroyable.", "Franchement,", "Bon,"),
    "de": ("Wahnsinn.", "Ehrlich gesagt,"),
    "it": ("Incredibile.", "Sinceramente,"),
    "pt": ("Nossa.", "Sinceramente,"),
    "tr": ("İnanılmaz.", "Açıkçası,"),
    "ja": ("すごい。", "正直、"),
}  # fmt: skip

QUOTES: dict[str, tuple[str, ...]] = {
    "en": ("Can anyone confirm this?", "This is getting out of hand.", "Look at this.",
           "Everyone needs to see this."),
    "es": ("¿Alguien puede confirmarlo?", "Mirad esto.", "Esto se está descontrolando."),
    "fr": ("Quelqu'un peut confirmer ?", "Regardez ça.", "Ça devient n'importe quoi."),
    "de": ("Kann das jemand bestätigen?", "Schaut euch das an."),
    "it": ("Qualcuno può confermare?", "Guardate qui."),
    "pt": ("Alguém pode confirmar?", "Olha isso."),
    "tr": ("Bunu doğrulayan var mı?", "Şuna bakın."),
    "ja": ("これ本当？誰か確認できる？", "これは見てほしい。"),
}  # fmt: skip

REPLIES: dict[str, tuple[str, ...]] = {
    "en": ("Is this real?", "Source?", "This is fake, stop sharing it.", "Same here.",
           "Thanks for posting this.", "Exactly what I was thinking."),
    "es": ("¿Esto es real?", "¿Fuente?", "Es falso, dejad de compartirlo.", "Aquí igual."),
    "fr": ("C'est vrai ça ?", "Source ?", "C'est faux, arrêtez de partager.", "Pareil ici."),
    "de": ("Stimmt das?", "Quelle?", "Das ist falsch, hört auf zu teilen."),
    "it": ("È vero?", "Fonte?", "È falso, smettete di condividerlo."),
    "pt": ("Isso é verdade?", "Fonte?", "É falso, parem de compartilhar."),
    "tr": ("Bu gerçek mi?", "Kaynak?", "Bu sahte, paylaşmayı bırakın."),
    "ja": ("これ本当？", "ソースは？", "デマです、拡散しないで。", "こちらも同じ。"),
}  # fmt: skip

URLS: dict[str, tuple[str, ...]] = {
    "it_outage": ("https://www.reuters.com/technology/global-it-outage-2024-07-19/",
                  "https://www.bbc.com/news/live/global-it-outage",
                  "https://status.example-cloud.com/incidents/0719"),
    "olympics": ("https://olympics.com/en/paris-2024/schedule",
                 "https://www.lequipe.fr/jeux-olympiques/", "https://www.nbcolympics.com/live"),
    "boycott": ("https://boycottnovamart.org/", "https://www.change.org/p/novamart-fair-wages",
                "https://news.example.com/novamart-wages-report"),
    "trend": ("https://www.tiktok.com/music/mirror-dance-7390011122233344455",),
    "background": ("https://open.spotify.com/playlist/summer-vibes",
                   "https://medium.com/daily-notes/slow-mornings",
                   "https://www.nytimes.com/section/food", "https://www.youtube.com/watch"),
}  # fmt: skip
"""Links shared in original posts, per topic (lower-case, no tracking parameters)."""

NAMES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "en": (("James", "Mary", "Priya", "Liam", "Olivia", "Noah", "Emma", "Arjun"),
           ("Smith", "Johnson", "Brown", "Taylor", "Patel", "Walker", "Miller", "Clark")),
    "es": (("Lucía", "Mateo", "Sofía", "Diego"), ("García", "López", "Martínez", "Sánchez")),
    "fr": (("Camille", "Lucas", "Chloé", "Hugo"), ("Martin", "Bernard", "Dubois", "Moreau")),
    "de": (("Lena", "Jonas", "Mia", "Felix"), ("Müller", "Schmidt", "Weber", "Fischer")),
    "it": (("Giulia", "Marco", "Sara", "Luca"), ("Rossi", "Russo", "Ferrari", "Bianchi")),
    "pt": (("Ana", "João", "Beatriz", "Pedro"), ("Silva", "Santos", "Oliveira", "Souza")),
    "tr": (("Elif", "Mehmet", "Zeynep", "Emre"), ("Yılmaz", "Kaya", "Demir", "Şahin")),
    "ja": (("Yui", "Haruto", "Sakura", "Ren"), ("Sato", "Suzuki", "Takahashi", "Tanaka")),
}  # fmt: skip
"""(first names, last names) per language, for display names."""

CITIES: dict[str, tuple[str, ...]] = {
    "US": ("New York, NY", "Austin, TX", "Chicago, IL", "Los Angeles, CA"),
    "GB": ("London", "Manchester"), "CA": ("Toronto", "Vancouver"), "AU": ("Sydney", "Melbourne"),
    "IN": ("Mumbai", "Bengaluru"), "ES": ("Madrid", "Barcelona"), "MX": ("Ciudad de México",),
    "AR": ("Buenos Aires",), "FR": ("Paris", "Lyon", "Marseille"), "DE": ("Berlin", "München"),
    "IT": ("Roma", "Milano"), "BR": ("São Paulo", "Rio de Janeiro"),
    "TR": ("İstanbul", "Ankara", "İzmir"), "JP": ("東京", "大阪"),
}  # fmt: skip
"""Free-text profile locations per country."""

WORDS = (
    ("sunny", "lunar", "quiet", "rapid", "blue", "wild", "urban", "lucky", "retro", "cosmic",
     "misty", "golden", "tiny", "brave", "velvet", "neon"),
    ("fox", "panda", "river", "pixel", "otter", "falcon", "maple", "comet", "tiger", "cactus",
     "harbor", "echo", "badger", "lotus", "raven", "mango"),
)  # fmt: skip
"""Two word lists from which handles are made (``<word><word>_<number>``)."""
