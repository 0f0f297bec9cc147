/**
 * Built-in vocabularies for the task generators. Letters only (the last-letter task reads the final character),
 * no word that doubles as a function word the recognisers skip ("and", "the", "will", "may" ...).
 */

export const FIRST_NAMES: readonly string[] = Object.freeze(
  (
    'Aaron Abigail Adam Adrian Aisha Alan Albert Alex Alice Alison Amara Amber Amelia Amir Amy Andre Andrea ' +
    'Angela Anita Ann Anna Anton Arjun Arthur Asha Ava Barbara Beatrice Ben Benjamin Bianca Boris Brenda Brian ' +
    'Bruno Caleb Camila Carl Carla Carlos Carmen Caroline Cecilia Chen Chloe Chris Clara Claude Colin Connor ' +
    'Daisy Dan Daniel Daria David Dean Deborah Diana Diego Dmitri Dominic Donna Dylan Edgar Edith Eduardo Elena ' +
    'Eli Elif Elijah Eliza Ella Elon Emil Emily Emma Enzo Eric Erin Esther Ethan Eva Fatima Felix Fernando Fiona ' +
    'Francis Frank Freya Gabriel Gemma George Gina Grace Greta Hana Hannah Harold Harry Hassan Hector Helen ' +
    'Henry Hugo Ian Ibrahim Ida Igor Ines Irene Isaac Isabel Ivan Jack Jacob Jade James Jamal Jane Jasmine Jason ' +
    'Javier Jenna Jonas Jorge Joseph Julia Julian Kai Karen Karim Kate Keith Kenji Kevin Kira Kofi Lars Laura ' +
    'Layla Leah Leo Leon Liam Lila Linda Lionel Lucas Lucia Luis Luke Maria Marco Marcus Marta Martin Maya ' +
    'Mehmet Mia Miguel Mila Milo Mina Miriam Mohammed Monica Nadia Naomi Nathan Nia Nico Nina Noah Nora Olga ' +
    'Oliver Omar Oscar Owen Pablo Paula Pedro Peter Petra Priya Rachel Rafael Rahul Ravi Rebecca Rita Robert ' +
    'Rosa Ruby Ryan Sakura Samir Samuel Sara Sean Selma Simon Sofia Sonia Stefan Susan Tariq Teresa Theo Tina ' +
    'Tobias Tom Uma Valerie Vera Victor Vivian Walter Wanda Xavier Yara Yusuf Zara Zoe'
  ).split(' '),
);

export const COMMON_WORDS: readonly string[] = Object.freeze(
  (
    'apple anchor badge basket beacon blanket bottle bridge bucket butter cabin camel candle canyon carpet ' +
    'castle cello cherry chimney circus cliff cloud clover copper cotton crayon crystal desert dragon drum ' +
    'eagle engine falcon feather fence forest fountain garden ginger glacier guitar hammer harbor helmet honey ' +
    'island jacket jungle kettle kitten ladder lantern lemon lizard magnet maple marble meadow mirror monkey ' +
    'needle number ocean orbit oyster paddle palace parrot pebble pencil pepper piano pillow planet pocket ' +
    'puzzle rabbit radio rainbow ribbon river rocket saddle salmon sandal shadow shovel silver socket spider ' +
    'spoon statue stone summer sunset swallow table tiger timber tomato tower tulip tunnel turtle umbrella ' +
    'valley velvet violin wagon walnut window winter wizard yellow zebra'
  ).split(' '),
);
