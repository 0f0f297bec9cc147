/** Banks the pairwise-judge generator draws from. Facts only; each entry carries what makes a response wrong. */

/** Country, its capital, and a plausible wrong answer (usually its largest or best-known other city). */
export const CAPITALS: readonly (readonly [country: string, capital: string, wrong: string])[] = [
  ['Australia', 'Canberra', 'Sydney'],
  ['Canada', 'Ottawa', 'Toronto'],
  ['Brazil', 'Brasilia', 'Rio de Janeiro'],
  ['Turkey', 'Ankara', 'Istanbul'],
  ['Switzerland', 'Bern', 'Zurich'],
  ['New Zealand', 'Wellington', 'Auckland'],
  ['Nigeria', 'Abuja', 'Lagos'],
  ['Morocco', 'Rabat', 'Casablanca'],
  ['Vietnam', 'Hanoi', 'Ho Chi Minh City'],
  ['Pakistan', 'Islamabad', 'Karachi'],
  ['South Korea', 'Seoul', 'Busan'],
  ['Japan', 'Tokyo', 'Osaka'],
  ['India', 'New Delhi', 'Mumbai'],
  ['China', 'Beijing', 'Shanghai'],
  ['Germany', 'Berlin', 'Munich'],
  ['Italy', 'Rome', 'Milan'],
  ['Spain', 'Madrid', 'Barcelona'],
  ['Scotland', 'Edinburgh', 'Glasgow'],
  ['Kazakhstan', 'Astana', 'Almaty'],
  ['Tanzania', 'Dodoma', 'Dar es Salaam'],
  ['Ivory Coast', 'Yamoussoukro', 'Abidjan'],
  ['Myanmar', 'Naypyidaw', 'Yangon'],
  ['Bolivia', 'Sucre', 'Santa Cruz'],
  ['Ecuador', 'Quito', 'Guayaquil'],
  ['Colombia', 'Bogota', 'Medellin'],
  ['Netherlands', 'Amsterdam', 'Rotterdam'],
  ['Norway', 'Oslo', 'Bergen'],
  ['Poland', 'Warsaw', 'Krakow'],
  ['Egypt', 'Cairo', 'Alexandria'],
  ['Kenya', 'Nairobi', 'Mombasa'],
  ['Argentina', 'Buenos Aires', 'Cordoba'],
  ['Chile', 'Santiago', 'Valparaiso'],
];

/** A category (plural, as a question names it) and enough members to list up to six of them. */
export const LIST_CATEGORIES: readonly (readonly [category: string, members: readonly string[]])[] = [
  ['fruits', ['apple', 'banana', 'cherry', 'mango', 'pear', 'plum', 'kiwi']],
  ['primary and secondary colours', ['red', 'blue', 'yellow', 'green', 'orange', 'purple']],
  ['planets of the solar system', ['Mercury', 'Venus', 'Earth', 'Mars', 'Jupiter', 'Saturn', 'Uranus']],
  ['mammals', ['whale', 'bat', 'elephant', 'otter', 'wolf', 'horse', 'lion']],
  ['programming languages', ['Python', 'Rust', 'Java', 'Haskell', 'Go', 'TypeScript', 'C']],
  ['musical instruments', ['violin', 'piano', 'flute', 'drum', 'cello', 'trumpet', 'harp']],
  ['European rivers', ['Danube', 'Rhine', 'Seine', 'Thames', 'Elbe', 'Loire', 'Po']],
  ['chemical elements', ['hydrogen', 'oxygen', 'carbon', 'iron', 'gold', 'neon', 'helium']],
  ['vegetables', ['carrot', 'leek', 'spinach', 'onion', 'potato', 'pea', 'cabbage']],
  ['board games', ['chess', 'Go', 'checkers', 'backgammon', 'Monopoly', 'Scrabble', 'Risk']],
];

/** A topic to explain in two sentences, and a correct two-sentence explanation of it. */
export const EXPLANATIONS: readonly (readonly [topic: string, first: string, second: string])[] = [
  ['why the sky looks blue', 'Sunlight is scattered by the molecules of the air, and short blue wavelengths scatter far more than red ones.', 'That scattered blue light reaches our eyes from every direction of the sky.'],
  ['why ice floats on water', 'Water expands when it freezes, because its molecules lock into an open crystal lattice.', 'Ice is therefore less dense than liquid water and is pushed up by buoyancy.'],
  ['how a vaccine protects against a disease', 'A vaccine shows the immune system a harmless piece or copy of a pathogen.', 'The body builds antibodies and memory cells, so a later real infection is fought off quickly.'],
  ['why we have seasons', "The Earth's axis is tilted relative to its orbit around the Sun.", 'As the Earth orbits, each hemisphere in turn gets more direct sunlight and longer days.'],
  ['what photosynthesis does', 'Plants use the energy of sunlight to turn carbon dioxide and water into sugar.', 'Oxygen is released as a by-product of the reaction.'],
  ['why metal feels colder than wood', 'Metal conducts heat away from your skin much faster than wood does.', 'Your skin cools quickly, so the metal feels colder even at the same temperature.'],
  ['how a rainbow forms', 'Sunlight is refracted and reflected inside raindrops.', 'Each colour bends by a different angle, so the light spreads into a band of colours.'],
  ['why the Moon has phases', 'The Moon is always half lit by the Sun, but we see different parts of that lit half as it orbits us.', 'The changing angle between the Sun, Earth and Moon makes it wax and wane over about a month.'],
  ['why bread rises', 'Yeast in the dough ferments sugars and releases carbon dioxide gas.', 'The gas is trapped by the gluten network, which makes the dough expand.'],
  ['how a compass works', 'A compass needle is a small magnet that can turn freely.', "It lines up with the Earth's magnetic field, so one end points towards magnetic north."],
  ['why salt melts ice on roads', 'Salt dissolves in the thin film of water on ice and lowers its freezing point.', 'The ice then melts at temperatures at which it would otherwise stay frozen.'],
  ['what causes tides', "The Moon's gravity pulls on the oceans more strongly on the side of the Earth facing it.", 'This creates bulges of water that move around the planet as it rotates, giving high and low tides.'],
];

export const NUMBER_WORDS: readonly string[] = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten'];
