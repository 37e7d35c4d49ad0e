"""Word lists for finding English names without a model.

PROPER: capitalised words that are not people (months, weekdays, holidays, languages, apps,
brands of appliances and tools); never taken for a name. COMMON: ordinary words that begin a
sentence with a capital letter (function words, verbs of requests, the vocabulary of home
services and of an office); taken for a name only in the middle of a sentence. TITLES: words
that come before a name and belong to it ("Mrs Patel", "Uncle Joe").
"""

from __future__ import annotations

__all__ = ["COMMON", "PROPER", "TITLES"]

_PROPER = """
january february march april may june july august september october november december
jan feb mar apr jun jul aug sep sept oct nov dec monday tuesday wednesday thursday friday
saturday sunday mon tue tues wed thu thur thurs fri sat sun christmas easter xmas halloween
thanksgiving ramadan eid diwali hanukkah new year english spanish french german russian
italian chinese polish ukrainian arabic portuguese turkish hindi urdu telegram whatsapp viber
signal skype zoom teams google gmail outlook yahoo icloud apple iphone ipad android samsung
lg bosch siemens miele whirlpool electrolux beko indesit hotpoint zanussi aeg candy haier
hisense sony philips panasonic dyson karcher makita dewalt hilti ikea worcester vaillant baxi
viessmann ariston ideal daikin mitsubishi toshiba fujitsu gree hitachi kenwood smeg neff
gorenje liebherr frigidaire maytag kitchenaid ge amazon ebay paypal visa mastercard venmo
zelle revolut uber airbnb excel word pdf wifi wi-fi bluetooth internet covid
"""

_TITLES = """
mr mrs ms miss mx dr prof sir madam dame lady lord aunt auntie uncle grandma grandpa granny
grandad granddad nana nan cousin
"""

_COMMON = """
a about above after again against all almost also although always am an and another any
anyone anything anyway are around as at away back be because been before being below between
both but by can cannot could did do does doing done down during each either else even ever
every everyone everything few first for from further had has have having he her here hers
herself him himself his how however i if in into is it its itself just last least less let
lets like many maybe me might mine more most much must my myself neither never next no nobody
none nor not nothing now of off often on once one only or other others otherwise our ours
ourselves out over own perhaps please quite rather really same she should since so some
someone something sometimes soon still such than thank thanks that the their theirs them
themselves then there these they this those though through thus to today tomorrow tonight too
under unless until up upon us usually very was we well were what whatever when whenever where
whether which while who whoever whom whose why will with within without would yes yesterday
yet you your yours yourself yourselves hi hello hey dear good morning afternoon evening
night ok okay sorry sure great fine cheers regards best kind urgent asap also anyway btw fyi
re fw fwd ps note attention update reminder question request complaint feedback
add answer arrange ask assemble book bring buy call cancel change charge check clean clear
come confirm contact could deliver did do drop email fill find finish fit fix follow get give
go hang have help hold install is keep leave let look make measure meet message mount move
need open order paint pay pick place plan please post put read reach remind remove repair
replace reschedule ring say schedule see sell send service set ship show sign speak start
stop take talk tell text thank try turn unlock use visit wait want was wash were will write
address apartment apt flat unit suite floor building house home office room kitchen bathroom
bedroom hallway garage garden yard roof basement attic balcony deck door window wall ceiling
floor stairs lift elevator gate fence driveway parking street road lane avenue front back
side main upstairs downstairs entrance lobby reception desk
order invoice quote estimate receipt payment deposit refund price cost total balance budget
bill fee rate discount tax cash card transfer contract agreement account booking appointment
job work task visit repair cleaning clean deep carpet boiler heater heating cooling tap sink
toilet shower bath pipe leak drain plumbing wiring socket switch light lamp bulb fan oven
stove hob fridge freezer dishwasher washer dryer machine microwave kettle appliance
contractor company team crew staff cleaner plumber electrician technician engineer fitter
painter handyman builder driver manager supervisor landlord tenant owner neighbour neighbor
customer client guest visitor nanny housekeeper
mum mom mother dad father son daughter wife husband partner brother sister baby kids kid
children child family friend colleague boss
passport snils inn id licence license permit certificate insurance policy number phone
mobile cell landline fax code password key keys lockbox
new old big small large little broken wet dry hot cold late early free busy ready done
paid unpaid tomorrow today morning weekend week month year hour minute day time date
yes no not none maybe probably thanks thank sorry
"""


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


PROPER = _words(_PROPER)
TITLES = _words(_TITLES)
COMMON = _words(_COMMON) | PROPER | TITLES
