/**
 * The indefinite article a noun takes when read aloud: "an account", "an event", "an opportunity",
 * but "a user", "a unique key", "a one-time code". Summaries and messages are read to people by voice
 * and chat agents word for word, so the article follows the sound, not the letter.
 */
export function withArticle(noun: string): string {
  const word = noun.trim();
  const vowelSound = /^[aeiou]/i.test(word)
    ? !/^(u[bcfhjkqrstn][aeiou]|use|usa|uni|ufo|eu|one|once)/i.test(word)
    : /^(hour|honest|honou?r|heir)/i.test(word);
  return `${vowelSound ? 'an' : 'a'} ${word}`;
}
