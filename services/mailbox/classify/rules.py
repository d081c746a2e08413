"""The phrases that decide, with their weights: the whole classifier is this table.

Each entry is (regular expression, weight), matched on lower-cased text with spaces
collapsed. Job classes add up the weights of the phrases found; `CONTEXT` holds what
shows a mail is about something else (a flat, a loan, a tender, a newsletter, a permit,
a friend), which adds to `other` and damps the job classes. Phrases are grouped by
language so a person can read, check and extend them. "Unfortunately" alone is worth
little: it appears in job alerts, bank letters and rescheduled interviews alike.
"""
from __future__ import annotations

Rules = dict[str, list[tuple[str, float]]]

# Phrase families: one idea said many ways, built from parts so that a new verb or noun
# widens the whole family. Each family has its equivalent in every language below.
#  - someone else was chosen ("went with another candidate", "otra persona", "iemand anders");
#  - your application goes no further ("not taken forward", "nicht in die nächste Runde");
#  - thanks, then a "however": the shape of most rejections, worth a little on its own;
#  - an offer's facts: a salary, a start date, a contract; each small, together decisive.
_EN_SOMEONE_ELSE = r"(another|other|a different|an alternative|an internal|a more experienced) (candidate|applicant|person)s?|someone else"
_EN_CHOSE = r"(decided|chose|chosen|selected|went|gone|go|going|proceed(ed|ing)?|moved? (forward|ahead)|continue|hired?|appointed)"
_EN_NOT = r"(not|n't|no longer|unable to|cannot|can't)"
_EN_ONWARD = (r"(taken|taking|take|moving|move|moved|progress(ed|ing)?|going|go|proceed(ed|ing)?"
              r"|advanc(e|ed|ing)|invit(e|ed|ing)|carr(y|ying|ied))")
_THANKS_BUT = {
    "en": r"\bthank(s| you)\b.{0,400}\b(however|unfortunately|regrettably|sadly|(i'm|i am|we're|we are) sorry)\b",
    "de": r"\bdank\w*\b.{0,400}\b(leider|jedoch|allerdings|bedauerlicherweise|bedauern)\b",
    "fr": r"\b(merci|remercions)\b.{0,400}\b(malheureusement|toutefois|cependant|néanmoins|regret)",
    "es": r"\bgracias\b.{0,400}\b(lamentablemente|desafortunadamente|sin embargo|por desgracia)\b",
    "nl": r"\b(bedankt|dank)\b.{0,400}\b(helaas|jammer genoeg|echter)\b",
}
_SALARY = (r"\b(salary|base pay|per annum|\w*gehalt|salaire|brut annuel|salario|sueldo"
           r"|salaris|bruto per maand)\b")
_START_DATE = (r"start(ing)? date|start (on|from) (the )?\d|eintrittsdatum"
               r"|(ab|zum) (dem )?\d{1,2}\. ?(jan|feb|mär|apr|mai|jun|jul|aug|sep|okt|nov|dez)"
               r"|date de début|à partir du \d|fecha de (incorporación|inicio)|empezar el \d|startdatum")
_CONTRACT = (r"\b(contract|paperwork|arbeitsvertrag|vertrag|contrat|cdi|cdd|contrato|contrato indefinido"
             r"|arbeidsovereenkomst|arbeidscontract)\b")
_CLOCK_TIME = r"\b\d{1,2}([:.h]\d\d)? ?(uhr|am|pm|h)\b|\b(at|um|à|a las|om) \d{1,2}[:.h]\d\d\b"


REJECTION: Rules = {
    "en": [
        (rf"{_EN_CHOSE} (to )?(with |on |for )?[^.]{{0,30}}\b({_EN_SOMEONE_ELSE})", 3),
        (rf"{_EN_NOT} (be |been )?{_EN_ONWARD}( you| your (application|candidacy))?( any)? (forward|further"
         r"|to (the )?(next|following|final) (stage|round|step)|to (an )?interview)", 3),
        (r"(another|other|a different) (candidate|applicant|person)('s|s')? (background|experience|profile|skills)", 2.5),
        # the role went to someone described rather than named as "another candidate"
        (r"(offer|give|gave|offered|given) (the|this) (role|position|job) to (someone|another|a candidate|an applicant)", 3),
        (r"(position|role|vacancy|post|job) (has|have) (now |already )?been (filled|closed)", 2.5),
        (r"(sorry|regret) to (tell|inform|let) you", 1.5),
        (_THANKS_BUT["en"], 1),
        (r"(decided|chosen|decision) to (move|go) forward with (other|another|a different) (candidate|applicant|person)", 3),
        (r"(decided|chosen|decision) to (pursue|proceed with|continue with) (other|another) (candidate|applicant)", 3),
        (r"(not|n't) (be )?(moving|move|going|go|proceeding|proceed) forward with (your|you)", 3),
        (r"decided not to (proceed|move forward|progress|continue|take)", 2.5),
        (r"(decided|chosen|decision) to (move ahead|proceed|go) with (a|another|a different|other) (candidate|applicant|person)", 3),
        (r"(won't|will not|not able to|unable to|cannot|can't) (be )?(progress|progressing|proceed|proceeding|take|taking) (with )?your (application|candidacy)", 3),
        (r"(won't|will not|not able to|unable to|cannot|can't) (be )?(progress|progressing|take|taking) (your|you) (application |candidacy )?(any )?(further|forward)", 3),
        (r"not (been )?successful (on this occasion|this time|in your application)", 2.5),
        (r"(go|proceed|move ahead|move forward|continue) with (another|a different|an alternative) (candidate|applicant)", 3),
        (r"\bnot (been )?(shortlisted|selected|chosen)\b", 2.5),
        (r"(application|candidacy) (was|has been) unsuccessful|\bunsuccessful on this occasion", 2.5),
        (r"(will not|won't|no longer) (be )?(considering|taking forward|progressing)", 2),
        (r"(closer|better|stronger) (fit|match)", 1),
        (r"(regrettably|sadly)", 0.5),
        (r"not (been )?(selected|shortlisted) for", 2.5),
        (r"you have not been (selected|successful)", 2.5),
        (r"(position|role|vacancy) has (now )?been filled", 2.5),
        (r"unable to (offer you an interview|offer you the (position|role)|progress your application)", 3),
        (r"regret (to inform you|that we)", 1.5),
        (r"(pursue|pursuing|proceed with) other candidates", 2),
        (r"(keep|retain) your (cv|resume|résumé|details|profile) on file", 1),
        (r"(future|other) (openings|opportunities|vacancies|roles)", 0.5),
        (r"more closely (match|matches|aligned)", 0.5),
        (r"unfortunately", 0.5),
        (r"difficult decision", 0.5),
    ],
    "de": [
        (r"(andere[nmr]?|einer anderen|einen anderen) (kandidat|bewerber|person)\w*|jemand andere", 2),
        (r"nicht (in die |für die )?(nächste|weitere|zweite|engere) (runde|auswahlrunde|auswahl|phase|stufe)", 3),
        (r"(nicht|keine) (weiter|weitere schritte|fortsetzen|fortführen)\b", 1),
        (_THANKS_BUT["de"], 1),
        (r"(für|fuer) (einen anderen|eine andere|andere) (kandidat|bewerber)", 3),
        (r"leider (müssen|können|koennen) wir ihnen (mitteilen|keine positive)", 2.5),
        (r"keine positive rückmeldung", 2.5),
        (r"nicht (weiter |mehr )?berücksichtigen", 2.5),
        (r"gegen (sie|eine weitere zusammenarbeit|ihre bewerbung)[^.]{0,60}entschieden", 3),
        (r"nicht (weiter ?zu ?verfolgen|weiterverfolgen|weiter verfolgen)", 3),
        (r"(keine zusage|eine absage) (geben|erteilen|mitteilen)|ihnen (leider )?keine zusage", 3),
        (r"für (eine andere person|einen anderen menschen) entschieden", 3),
        (r"(anderen|andere) (kandidat|bewerber)\w* (entschieden|ausgewählt|den vorzug)", 3),
        (r"(position|stelle)( ist| wurde)?( anderweitig| bereits| mittlerweile| inzwischen| schon)*"
         r" (zu )?(besetzt|vergeben)", 2.5),
        # someone else was chosen: the post is filled "with a (female) candidate whose profile ..."
        (r"(position|stelle)\b[^.]{0,80}\b(mit|durch) (einer|einem|einen|jemand)\w*\b[^.]{0,40}\bzu besetzen", 3),
        (r"leider passt es (dieses mal |diesmal |derzeit |aktuell )?nicht", 2),
        (r"keine (erfreulicher|positiver|besser)\w* (nachricht|rückmeldung|antwort)", 2),
        (r"(profil|erfahrung|qualifikation)\w*\b[^.]{0,60}\b(näher|besser|eher)"
         r" (kommt|kommen|passt|passen|entspricht)", 1),  # "closer fit"
        (r"bedauern,? ihnen mitteilen", 2),
        (r"\babsage\b", 2),
        (r"leider", 0.5),
    ],
    "fr": [
        (r"(retenu|choisi|sélectionné|privilégié|opté pour) (un|une|d') ?autres? (candidat|profil|personne)", 3),
        (r"(un|une) autre (candidat|candidate|profil|personne)|d'autres (candidats|profils)", 2),
        (r"(ne pas|pas en mesure de|ne pouvons pas|ne pourrons pas) (poursuivre|continuer|aller plus loin)", 2.5),
        (_THANKS_BUT["fr"], 1),
        (r"n'a pas été retenue?", 3),
        (r"ne pas donner suite", 3),
        (r"(ne pouvons pas|ne sommes pas en mesure de) (y )?donner (une )?suite favorable", 3),
        (r"(retenu|choisi|sélectionné) un autre (profil|candidat)", 3),
        (r"poursuivre avec d'autres candidat", 3),
        (r"(pas en mesure de|ne pouvons pas) (la |le )?retenir", 3),
        (r"ne (donnerons|pourrons|souhaitons) pas (de )?suite|ne pas y donner suite", 3),
        (r"(avons|sommes) (le|au) regret", 2),
        (r"pas été (sélectionnée?|retenue?)", 3),
        (r"d'autres (profils|candidats) (correspondant|plus proches|plus adaptés)", 2),
        (r"(sommes au regret|regrettons) de vous informer", 2),
        (r"le poste a été pourvu", 2.5),
        (r"malheureusement", 0.5),
    ],
    "es": [
        (r"(seleccionado|elegido|optado por|escogido|contratado|(seguir|continuar|avanzar) con) (a )?otr[oa]s? "
         r"(persona|candidat|perfil)", 3),
        (r"otr[oa]s? (persona|candidat[oa]|perfil)(e?s)?\b", 2),
        (r"no (podemos|podremos|vamos a|seguiremos|continuaremos|avanzaremos) (seguir|continuar|avanzar)?"
         r"( adelante)? ?(con (tu|su) (candidatura|perfil)|en el proceso)", 3),
        (r"en esta ocasión", 0.5),
        # going on with other people, or without you
        (r"(avanzar|seguir|continuar) con (otras )?(personas|perfiles|candidat[oa]s) (cuyo|cuya|que|con)", 3),
        (r"no (podemos|podremos|vamos a poder) contar (contigo|con usted)", 3),
        (r"no (pasas|pasarás|continúas|continuarás|avanzas|avanzarás) a la (siguiente|próxima) (fase|etapa)", 3),
        (r"(perfil|experiencia)(es)? (se ajusta|se ajustan|encaja|encajan) (más|mejor)", 1),
        (_THANKS_BUT["es"], 1),
        (r"(continuar|seguir adelante)( el proceso)? con otros candidatos", 3),
        (r"no (seguiremos|vamos a seguir|continuaremos|seguir) adelante con (tu|su) candidatura", 3),
        (r"(tu|su) candidatura no ha sido seleccionada", 3),
        (r"(hemos )?(optado|elegido|decidido seguir) (por|con) otro (perfil|candidato)", 3),
        (r"no (has|ha) sido (seleccionad[oa])", 3),
        (r"no (has|ha) sido (elegid[oa]|seleccionad[oa])|no (has|ha) resultado seleccionad", 3),
        (r"sentimos (decirte|comunicarte|informarte|decirle|comunicarle|informarle)", 2),
        (r"(hemos decidido|vamos a) (continuar|seguir) con otr[oa]s? (candidat|perfil)", 3),
        (r"(tu|su) candidatura (ha sido )?descartada", 3),
        (r"lamentamos (comunicarte|informarte|comunicarle|informarle)", 2),
        (r"el puesto (ha sido|ya está) cubierto", 2.5),
        (r"lamentablemente", 0.5),
    ],
    "nl": [
        (r"niet (door|doorgegaan|verder gegaan|geselecteerd)( naar| voor)? (de )?(volgende|tweede|laatste) "
         r"(ronde|fase|stap)|niet doorgegaan|niet door naar", 3),
        (r"(een )?andere (kandidaat|kandidaten|sollicitant)|iemand anders", 2),
        (r"teleurstellen|teleurstellend", 1.5),
        # someone else was chosen; your application is no longer being handled
        (r"(keuze gemaakt|gekozen|besloten)( om)? (voor|te gaan met) iemand (anders|met|die)", 3),
        (r"(sollicitatie|kandidatuur|cv) niet (verder |langer )?in behandeling", 3),
        (_THANKS_BUT["nl"], 1),
        (r"(besloten|gekozen)( om)? (niet verder te gaan|met een andere kandidaat|voor een andere kandidaat)", 3),
        (r"niet verder (te gaan met|mee te nemen)", 3),
        (r"(je|u) niet uit te nodigen", 3),
        (r"(ben je|bent u|is je sollicitatie) niet (geselecteerd|door)", 3),
        (r"gekozen voor (een )?andere (kandidaat|kandidaten)", 3),
        (r"in te vullen met (een )?(andere )?kandidaat", 3),
        (r"(gaan|kunnen) (we|wij) niet (verder|door) met (je|jouw|uw) (sollicitatie|kandidatuur)", 3),
        (r"(sollicitatie|kandidatuur) (is |werd )?(helaas )?afgewezen", 3),
        (r"\bafgewezen\b", 1.5),  # a permit or a loan is refused in the same words
        (r"(vacature|functie) (inmiddels )?(hebben )?ingevuld|hebben ingevuld", 2.5),
        (r"helaas moeten (wij|we) (je|u) (laten weten|mededelen)", 2),
        (r"\bafwijzing\b", 2),
        (r"helaas", 0.5),
    ],
}

INTERVIEW: Rules = {
    "en": [
        (r"(attend|come in for|join us for) (an? )?([\w-]+ ){0,2}(interview|assessment)", 3),
        (r"you('ve| have) been (shortlisted|selected for (an? )?interview)", 2),
        (_CLOCK_TIME, 1),
        (r"invite you (to|for) (an? )?([\w-]+ ){0,2}(interview|call|chat|conversation)", 3),
        (r"interview invitation|invitation to (an )?interview", 3),
        (r"reschedule (your|the|our) (interview|call)", 3),
        (r"move you forward to (the )?([\w-]+ ){0,2}interview", 3),
        (r"(set up|arrange|schedule|book) (an? )?([\w-]+ ){0,2}(interview|call) (with|for)", 3),
        (r"(do|does) any of these times work|which (time|slot) (works|suits)", 1.5),
        (r"(let me know|share|send( me)?) your availability|your availability (for|on)", 1.5),
        (r"(would|'d) (love|like) (for you )?to (meet|speak with|talk with|chat with) you", 2),
        (r"\bnext round\b", 1.5),
        (r"phone screen", 2.5),
        (r"(book|pick|choose|select) a (\d+ minute )?(time|slot)", 1.5),
        (r"(are|would) you (be )?available (for|on)", 1),
        (r"(could|can|would) you (hop|jump|get) on (a|an) ([\w-]+ ){0,3}(call|chat|video call)", 2.5),
        (r"(do|would) you have (some )?time (for|to do) (a|an) ([\w-]+ ){0,2}(call|chat|interview)", 2.5),
        (r"(move|push|shift|change) (our|the|your) (interview|call|chat|meeting) (to|from)", 3),
        (r"whichever (suits|works)|(both|either|these times) work (for|on) (us|me|our side)", 1.5),
        (r"calendar invite", 1),
        (r"(technical|video|phone|onsite|on-site) interview", 1.5),
        (r"\binterview\b", 1),
    ],
    "de": [
        (r"(zu einem|zum) ([\w-]+ ){0,2}(gespräch|interview|kennenlernen)\b.{0,100}?\beinladen", 3),
        (r"(persönliches|persönlichen|erstes|ersten|kurzes|kurzen) gespräch", 1.5),
        (r"ihre verfügbarkeit|wann (hätten|haben) sie zeit", 1.5),
        (_CLOCK_TIME, 1),
        (r"(zu einem|zum) ([\w-]+ )?(vorstellungs|kennenlern)?gespräch ([\w-]+ ){0,2}einladen", 3),
        (r"einladung zum (vorstellungsgespräch|kennenlernen|interview|gespräch)", 3),
        (r"(gespräch|gesprächstermin|vorstellungsgespräch|interview) ([\w.-]+ ){0,3}verschieben|verschiebung ihres", 3),
        (r"kennenlerngespräch", 2.5),
        (r"(laden|lade) sie (gern|gerne)? ?zu einem ([\w-]+ )?(gespräch|interview|kennenlernen)", 3),
        (r"(persönlich|gerne) kennenlernen", 1.5),
        (r"terminvorschlag|termin für (ein|das) (gespräch|interview)|gespräch vereinbaren", 2),
        (r"(haben|hätten) sie ([\w-]+ ){0,4}zeit für ein ([\w-]+ )?(gespräch|telefonat|interview)", 3),
        (r"(ob|wann) ihnen (der termin|das|es) (passt|recht ist)", 1.5),
        (r"vorstellungsgespräch", 1),
        (r"\btermin\b", 1),
    ],
    "fr": [
        (r"vos disponibilités", 1.5),
        (_CLOCK_TIME, 1),
        (r"invitation à un entretien", 3),
        (r"vous rencontrer (pour|lors d') ?un entretien", 3),
        (r"(reporter|décaler|déplacer) votre entretien", 3),
        (r"entretien téléphonique", 2.5),
        (r"pour un entretien|(passer|venir) (nous voir|à l'atelier|au bureau|à nos bureaux)", 2),
        (r"créneau", 1.5),
        (r"(échanger|discuter|s'entretenir) avec vous (par|en) (visio|téléphone|visioconférence)", 2.5),
        (r"mieux vous connaître|faire votre connaissance", 1.5),
        (r"(seriez-vous|êtes-vous|seriez vous) disponible", 1.5),
        (r"\bentretien\b", 1),
    ],
    "es": [
        (r"tu disponibilidad|su disponibilidad", 1.5),
        (_CLOCK_TIME, 1),
        (r"invitación a (una )?entrevista", 3),
        (r"invitar(te|le) a una entrevista", 3),
        (r"cambiar la (hora|fecha) de (tu|su) entrevista", 3),
        (r"entrevista telefónica", 2.5),
        (r"(primera|segunda) entrevista|videollamada", 1.5),
        (r"queremos conocerte|nos gustaría conocerte", 1.5),
        (r"(mover|cambiar|pasar|aplazar|adelantar) (nuestra|la|tu|su) (reunión|entrevista|llamada|cita)", 3),
        (r"(tienes|tiene) (tiempo|un hueco) para (una )?(llamada|entrevista|reunión)", 2.5),
        (r"(te|le) viene bien|(te|le) va bien|(estarías|estaría) disponible", 1.5),
        (r"convocarte|convocatoria (a|para) (una )?entrevista", 2.5),
        (r"\bentrevista\b", 1),
    ],
    "nl": [
        (r"(je|uw) beschikbaarheid", 1.5),
        (_CLOCK_TIME, 1),
        (r"uitnodiging (voor een )?sollicitatiegesprek", 3),
        (r"nodigen (je|u) (graag )?uit voor een ([\w-]+ )?gesprek", 3),
        (r"gesprek ([\w-]+ ){0,3}verzet", 3),
        (r"telefonisch gesprek", 2.5),
        (r"inplannen", 1.5),
        (r"(heb je|hebt u|heeft u) ([\w-]+ ){0,4}tijd voor een ([\w-]+ )?(gesprek|kennismaking|belletje)", 3),
        (r"(gesprek|afspraak) ([\w-]+ ){0,3}(verzetten|verplaatsen)", 3),
        (r"(maken|maak) (graag )?kennis met (je|u)|graag (met (je|u) )?kennismaken", 1.5),
        (r"wat (je|u) (het beste )?uitkomt|schikt het (je|u)", 1.5),
        (r"kennismakingsgesprek|(graag )?uitnodigen voor een (kennismakings|sollicitatie)?gesprek", 2.5),
        (r"\bgesprek\b", 1),
    ],
}

RECEIVED: Rules = {
    "en": [
        (r"(your )?application is in\b|(application|cv|resume) (has been|was) (successfully )?(submitted|registered)", 3),
        (r"(we('ve| have)|has been|have) received your application|application (has been )?received", 3),
        (r"confirms? (that )?we (have )?received", 3),
        (r"we('ve| have) (got|received) your (application|cv|resume)", 3),
        (r"application .{0,60}(has been|was) (successfully )?received", 3),
        (r"thank(s| you) (so much )?for (applying|your application)", 1),
        (r"your application( for [^.]{0,80}?)? (is|has) (now )?"
         r"(in our system|arrived|reached us|come through|on file)", 3),
        (r"(review|reviews|look at) (every|each|all) (submission|application)s?|get back to you (if|once|when)", 1),
        (r"(will|to) review (it|your application)", 1),
        (r"candidate home|status of your application", 1),
    ],
    "de": [
        (r"bewerbung (wurde|ist) (erfolgreich )?(registriert|übermittelt)", 3),
        (r"eingangsbestätigung|eingang ihrer (unterlagen|bewerbung)", 3),
        (r"unterlagen (für .{0,60})?erhalten|bewerbung eingegangen", 3),
        (r"(haben|hat) ihre bewerbung (erhalten|bekommen)|bewerbung ist (bei uns )?eingegangen", 3),
        (r"kandidatenkonto", 1),
        (r"(unterlagen|bewerbung)( [\w-]+){0,3} (bei uns )?(eingegangen|angekommen|eingetroffen)", 3),
        (r"bestätigen (wir )?(ihnen |dir )?(hiermit )?(den eingang|dass (ihre|deine))", 2),
        (r"dank\w* für (ihre|deine) bewerbung|wir (prüfen|sichten) (sie|ihre unterlagen|deine unterlagen)", 1),
    ],
    "fr": [
        (r"candidature (a été|est) (bien )?(enregistrée|transmise)", 3),
        (r"accusé de réception", 2.5),
        (r"(bien )?reçu votre candidature|candidature a bien été reçue", 3),
        (r"avons (bien )?reçu votre (cv|dossier|candidature)", 3),
        (r"espace candidat", 1),
        (r"(candidature|dossier|cv) (a été|est) (bien )?(enregistrée?|reçue?|transmise?)", 3),
        (r"merci (d'avoir postulé|pour votre candidature)|sera (étudiée?|examinée?)", 1),
    ],
    "es": [
        (r"hemos recibido (tu|su) (candidatura|solicitud)|la hemos recibido", 3),
        (r"recibido (tu|su) (cv|currículum|candidatura|solicitud)", 3),
        (r"confirmación de recepción", 2.5),
        (r"candidatura (ha quedado registrada|se ha registrado)", 3),
        (r"portal de candidato", 1),
        (r"(candidatura|solicitud|cv|currículum)( [\w-]+){0,4}"
         r" (ha llegado|se ha recibido|ha sido recibida|está registrada)", 3),
        (r"(te|le) confirmamos|(la|lo) revisará|gracias por (tu|su) candidatura", 1),
    ],
    "nl": [
        (r"sollicitatie is (goed )?(geregistreerd|verstuurd)", 3),
        (r"ontvangst sollicitatie|sollicitatie (in goede orde )?ontvangen|hebben (je|uw) sollicitatie (in goede orde )?ontvangen", 3),
        (r"kandidatenportaal", 1),
        (r"(sollicitatie|cv|brief)( [\w-]+){0,4} (is )?(goed |in goede orde )?(binnengekomen|aangekomen)", 3),
        (r"sollicitatie is (goed )?binnen|(je|uw) sollicitatie (goed )?ontvangen", 3),
    ],
}

OFFER: Rules = {
    "en": [
        (r"(would|'d) (like|love) to offer you|offer you the (role|position|job)", 3.5),
        (_SALARY, 1),
        (_START_DATE, 1),
        (_CONTRACT, 1),
        (r"\b(welcome|willkommen|bienvenue|bienvenid[oa]|welkom)\b", 1),
        (r"(delighted|pleased|happy|thrilled|excited) to (offer you|extend (you )?an offer|make you an offer)", 4),
        (r"(delighted|pleased|happy|thrilled|excited) to offer you the (role|position|job)", 4),
        (r"(make|extend) (you )?(a|an|our) (conditional |formal |verbal |written )?offer", 3),
        (r"offer (pack|of employment|letter)|conditional offer", 2.5),
        (r"offer of employment|offer letter|job offer", 2.5),
        (r"welcome aboard|welcome to the team", 1.5),
        (r"(love|like|glad|happy|delighted|excited) to have you join", 3),
        (r"congratulations", 1),
    ],
    "de": [
        (r"ihnen die (stelle|position) .{0,40}anbieten", 4),
        (r"vertragsangebot|ihnen ein angebot .{0,40}zu machen|angebot für die position", 3),
        (r"arbeitsvertrag", 1),
        (r"(möchten|wollen) sie (gerne |gern )?(einstellen|an bord holen)|ihnen eine zusage", 4),
        (r"herzlichen glückwunsch", 1),
        (r"freuen uns[^.]{0,40} dass sie[^.]{0,80}"
         r"\b(bei uns anfangen|bei uns beginnen|zu uns kommen|unser team verstärken)", 3),
    ],
    "fr": [
        (r"(confirmer|confirmons) votre embauche|vous embaucher|votre embauche", 3.5),
        (r"(le plaisir|heureux|ravis) de vous proposer le poste", 4),
        (r"proposition d'embauche|vous faire une offre", 3),
        (r"(souhaitons|voulons) vous (embaucher|recruter)", 4),
        (r"vous proposer (un|le) (poste|contrat)", 3),
        (r"contrat de travail", 1),
        (r"félicitations", 1),
        (r"(ravis|heureux|heureuse) de vous accueillir (comme|en tant que)", 3),
    ],
    "es": [
        (r"(queremos|nos gustaría|quisiéramos) ofrecer(te|le)", 4),
        (r"(nos complace|encantados de|nos alegra) (ofrecerte|ofrecerle|hacerte una oferta|hacerle una oferta)", 4),
        (r"carta de oferta|oferta de empleo\b", 2.5),
        (r"queremos que te incorpores|(te|le) incorpores al equipo|propuesta de incorporación", 4),
        (r"enhorabuena", 1),
        (r"(encantados|felices|nos alegra) de (que te unas|tenerte en el equipo|darte la bienvenida)", 3),
    ],
    "nl": [
        (r"bieden (je|u) (graag )?(de|een|deze) (baan|functie|positie|rol)", 4),
        (r"(de|je de|u de) functie .{0,40}aan te bieden", 4),
        (r"aanbod arbeidsovereenkomst|(doen|doen we) je een aanbod|een aanbod voor de functie", 3),
        (r"(willen|gaan) (we|wij) je (heel )?(graag )?aannemen|contractvoorstel", 4),
        (r"gefeliciteerd", 1),
        (r"(je|u) (graag )?in dienst (nemen|te nemen)", 3),
    ],
}

# What shows that a mail is not about one of the person's own applications.
CONTEXT: Rules = {
    "newsletter": [
        (r"job alerts?|new jobs|jobs you may|jobs that match|job recommendation|saved search", 3),
        (r"jobagent|neue stellen|stellenangebote, die|newsletter|nieuwsbrief|tipps", 3),
        (r"nouvelles offres|offres similaires|alertes? emploi|nuevas ofertas|alertas de empleo", 3),
        (r"nieuwe vacatures|vacature ?alert|webinar|register now|schrijf je (snel )?in", 3),
        # digests: counts of new openings, "near you", advice columns
        (r"\d+ new (roles|jobs|positions|openings|vacancies)|near you|(read|see) our (guide|tips)|how to stand out", 3),
        (r"\d+ neue (stellen|jobs)|in ihrer nähe|unser ratgeber", 3),
        (r"\d+ nouvelles offres|près de chez vous|nos conseils", 3),
        (r"\d+ nuevas ofertas|cerca de ti|nuestra guía|\d+ nieuwe (vacatures|banen)|bij (jou|u) in de buurt", 3),
    ],
    "housing": [
        (r"\b(apartment|flat|landlord|rental|tenant|property|properties|viewing)\b", 2),
        (r"wohnung|mieter|vermiet|hausverwaltung", 2),
        (r"appartement|dossier de location|propriétaire|logement", 2),
        (r"\bpiso\b|alquiler|propietario", 2),
        (r"\bwoning\b|\bhuur|bezichtiging|makelaar", 2),
    ],
    "finance": [
        (r"credit card|credit reference|\bloan\b|kreditkarte|\bkredit\b|demande de prêt|prêt personnel", 3),
        (r"tarjeta de crédito|préstamo|\blening\b", 3),
    ],
    "vendor": [
        (r"\btender\b|\bproposal\b|\bbid\b|supplier|vendor|procurement|\bquote\b", 2),
        (r"ausschreibung|appel d'offres|licitación|aanbesteding|\bofferte\b", 2),
    ],
    "shopping": [
        (r"your order|has shipped|refunded|bestellung|commande|pedido|bestelling", 2),
    ],
    "authority": [
        # a council or an office refusing a permit uses a rejection's words but names no job
        (r"(parking|building|residence) permit|permit application", 2),
        (r"parkeervergunning|bouwvergunning|vergunningsgebied", 2),
        (r"verblijfsvergunning|baugenehmigung|aufenthaltstitel|permis de (construire|séjour)|titre de séjour", 2),
        (r"licencia de obras|permiso de residencia", 2),
    ],
    "personal": [
        (r"sorry you didn'?t get|their loss|didn'?t work out", 3),
        # a friend speaks of "they", a recruiter of "we"; and offers a drink
        (r"(so|really|very) sorry (that )?they\b|(drinks?|coffee|beers?|lunch) (is |are )?on me", 3),
        (r"schade,? dass|wissen nicht, was sie verpassen", 3),
        (r"désolée? que|ont raté", 3),
        (r"siento mucho que|se lo pierden", 3),
        (r"balen dat|weten niet wat ze missen", 3),
    ],
}

# Words that show the mail is about a job application at all.
JOB_WORDS = (r"\b(application|candidacy|candidate|position|role|interview|cv|resume|recruit\w*|hiring"
             r"|bewerbung|bewerber\w*|stelle|kandidat\w*|vorstellungsgespräch|candidature|poste|entretien"
             r"|candidat\w*|puesto|entrevista|sollicitatie|functie|vacature|kandidaat"
             r"|job|jobs|vacancy|baan|empleo|emploi|embauche|salary|\w*gehalt|salaire|salario|salaris"
             # the words of the hiring process itself, and of a first day
             r"|bewerb\w*|postul\w*|recrut\w*|reclut\w*|proceso de selección|processus de recrutement"
             r"|auswahlverfahren|selectieprocedure|sollicit\w*|werving|probezeit|période d'essai|proeftijd"
             r"|m/w/d|w/m/d)\b")
