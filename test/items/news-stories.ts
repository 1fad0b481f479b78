// News texts for calibrating and testing the near-duplicate fingerprint, written for these tests (not copied
// from any outlet). Per language: an original story; the same story lightly reworded (four words changed),
// with a sentence appended, and syndicated under another headline with a dateline; then two stories of the
// same topic that are not the same story. The hardest of those share boilerplate with the original: the
// same survey wave's method sentence (uk), the Duma's stock phrases for a first reading (ru), the Miami
// working group's vocabulary (en).

export interface Story {
  title: string;
  text: string;
}

export interface StorySet {
  original: Story;
  reworded: Story;
  appended: Story;
  retitled: Story;
  sameTopic: [Story, Story];
}

const enText =
  'American and European negotiators wrapped up a second day of talks in Miami on Saturday without agreeing on the wording of security guarantees for Ukraine, according to two officials familiar with the discussions. ' +
  'The working group, set up in December, is trying to reconcile a US draft that ties any guarantee to a ceasefire with European proposals for a standing reassurance force. ' +
  '“We narrowed the gaps on monitoring, but the sequencing is still open,” one European diplomat said. ' +
  'Ukrainian representatives joined the final session by video link. ' +
  'The group plans to meet again in mid-January, and officials said a joint text could be ready before the end of the month if capitals sign off on the remaining points.';

export const en: StorySet = {
  original: { title: 'US and European officials end second round of Miami talks on Ukraine guarantees', text: enText },
  reworded: {
    title: 'US and European officials end second round of Miami talks on Ukraine guarantees',
    text: enText
      .replace('wrapped up', 'ended')
      .replace('the wording of', 'the language of')
      .replace('a standing reassurance', 'a permanent reassurance')
      .replace('the final session', 'the last session'),
  },
  appended: {
    title: 'US and European officials end second round of Miami talks on Ukraine guarantees',
    text: `${enText} The Kremlin did not respond to a request for comment on the talks.`,
  },
  retitled: {
    title: 'Miami talks on Ukraine security guarantees end without deal on wording',
    text: `MIAMI, Jan 3 (Reuters) - ${enText}`,
  },
  sameTopic: [
    {
      title: 'Zelensky says Ukraine will not trade territory for guarantees as Miami talks resume',
      text:
        'President Volodymyr Zelensky said on Sunday that Ukraine would not accept any settlement that requires it to give up territory in exchange for security guarantees, as US and European officials prepared to resume talks in Miami. ' +
        'Speaking in Kyiv alongside the Finnish president, Zelensky said guarantees must be “legally binding and backed by troops on the ground”. ' +
        'The working group, which met twice in December, is expected to discuss a monitoring mechanism for a ceasefire and the timing of any reassurance force. ' +
        'A senior US official said Washington wanted a joint text by the end of January. Moscow has rejected the presence of Western troops in Ukraine.',
    },
    {
      title: 'NATO allies divided over assurances for partners ahead of July summit',
      text:
        'NATO ambassadors failed on Wednesday to agree on whether the summit declaration should extend collective-defence assurances to non-member partners, three diplomats said. ' +
        'Several eastern members pushed for language that would commit the alliance to consult on the security of Ukraine and other partners if they come under attack, while Germany and Hungary warned that such wording could be read as a guarantee. ' +
        'The United States has not taken a public position. “Nobody wants a repeat of Bucharest, where we promised more than we could deliver,” one official said. ' +
        'Ambassadors will return to the text next week; the summit opens in Ankara on July 7.',
    },
  ],
};

const ukText =
  'Три чверті українців вважають неприйнятними будь-які територіальні поступки навіть в обмін на швидке припинення вогню. ' +
  'Про це свідчать результати нового опитування Київського міжнародного інституту соціології. ' +
  'Ще 19% респондентів готові погодитися на заморожування лінії фронту, якщо Україна отримає надійні гарантії безпеки від США та європейських країн. ' +
  'Опитування проводили з 5 по 13 грудня методом телефонних інтерв’ю, у ньому взяли участь 1004 респонденти з усіх регіонів, підконтрольних уряду. ' +
  'Порівняно з вереснем частка тих, хто допускає компроміс, зросла на чотири відсоткові пункти. ' +
  'Виконавчий директор КМІС Антон Грушецький зазначив, що думка суспільства залишається стабільною попри втому від війни.';

export const uk: StorySet = {
  original: { title: 'КМІС: 75% українців проти територіальних поступок заради миру', text: ukText },
  reworded: {
    title: 'КМІС: 75% українців проти територіальних поступок заради миру',
    // four words changed, and the apostrophe of інтерв’ю written as ʼ (which must not count as a change)
    text: ukText
      .replace('неприйнятними', 'недопустимими')
      .replace('швидке', 'негайне')
      .replace('надійні', 'міцні')
      .replace('зазначив', 'наголосив')
      .replace('інтерв’ю', 'інтервʼю'),
  },
  appended: {
    title: 'КМІС: 75% українців проти територіальних поступок заради миру',
    text: `${ukText} Гранична похибка вибірки не перевищує 3,3%.`,
  },
  retitled: {
    title: 'Опитування: більшість українців не погоджуються на територіальні поступки',
    text: `Київ, 16 грудня. ${ukText}`,
  },
  sameTopic: [
    {
      title: 'КМІС: довіра до Зеленського зросла до 61%',
      text:
        'Рівень довіри до президента Володимира Зеленського у грудні зріс до 61%, свідчать дані опитування Київського міжнародного інституту соціології. ' +
        'У жовтні президентові довіряли 55% українців. Не довіряють главі держави 33% опитаних, решта не змогли визначитися. ' +
        'Опитування проводили з 5 по 13 грудня методом телефонних інтерв’ю, у ньому взяли участь 1004 респонденти з усіх регіонів, підконтрольних уряду. ' +
        'За словами виконавчого директора КМІС Антона Грушецького, зростання довіри пов’язане з переговорами щодо гарантій безпеки та активною дипломатією.',
    },
    {
      title: 'Центр Разумкова: більшість українців не вірять у гарантії безпеки без членства в НАТО',
      text:
        'Лише 23% українців вважають, що гарантії безпеки від окремих країн зможуть захистити Україну від нового нападу Росії, якщо вона не стане членом НАТО. ' +
        'Такі дані оприлюднив Центр Разумкова за підсумками опитування, проведеного з 28 листопада по 4 грудня. ' +
        'Понад половина опитаних (56%) переконані, що лише повноправне членство в Альянсі гарантує безпеку країни. ' +
        'Водночас кількість прихильників вступу до Європейського Союзу сягнула 78%. ' +
        'Соціологи опитали 2016 респондентів віком від 18 років у всіх регіонах, де не ведуться бойові дії. Теоретична похибка вибірки не перевищує 2,3%.',
    },
  ],
};

const ruText =
  'Государственная дума приняла в первом чтении законопроект, который разрешает применять европейские технические регламенты наравне с российскими при сертификации промышленного оборудования. ' +
  'Авторы документа из комитета по экономической политике объясняют, что мера нужна для сохранения поставок комплектующих через третьи страны. ' +
  'По их словам, поправки не означают отказа от национальной системы стандартов и носят временный характер: действие закона ограничено 2030 годом. ' +
  'Против проголосовала фракция КПРФ, назвавшая инициативу «шагом к зависимости от Брюсселя». ' +
  'В правительстве документ поддержали. Второе чтение запланировано на февраль.';

export const ru: StorySet = {
  original: {
    title: 'Госдума одобрила в первом чтении законопроект о признании европейских техрегламентов',
    text: ruText,
  },
  reworded: {
    title: 'Госдума одобрила в первом чтении законопроект о признании европейских техрегламентов',
    text: ruText
      .replace('приняла', 'одобрила')
      .replace('разрешает', 'позволяет')
      .replace('поставок', 'импорта')
      .replace('запланировано', 'намечено'),
  },
  appended: {
    title: 'Госдума одобрила в первом чтении законопроект о признании европейских техрегламентов',
    text: `${ruText} Ранее Минпромторг сообщал, что доля импортного оборудования в отрасли превышает 60%.`,
  },
  retitled: {
    title: 'Депутаты разрешили применять техрегламенты ЕС при сертификации оборудования',
    text: `МОСКВА, 17 декабря. ${ruText}`,
  },
  sameTopic: [
    {
      title: 'Госдума приняла в первом чтении законопроект об ужесточении правил для иностранных агентов',
      text:
        'Государственная дума приняла в первом чтении законопроект, который запрещает иностранным агентам участвовать в государственных закупках и получать гранты из бюджета. ' +
        'Авторы документа из комитета по контролю объясняют, что мера направлена на защиту суверенитета. ' +
        'Поправки также обязывают маркировать все публикации иноагентов в социальных сетях. ' +
        'За законопроект проголосовали 389 депутатов, против выступили трое. Второе чтение запланировано на январь. ' +
        'В Совете Федерации заявили, что поддержат инициативу.',
    },
    {
      title: 'Песков: Кремль не рассматривает вопрос о вступлении России в Евросоюз',
      text:
        'Пресс-секретарь президента Дмитрий Песков заявил, что вопрос о членстве России в Европейском союзе «не стоит на повестке дня». ' +
        'Так он прокомментировал сообщения западных СМИ о том, что в рамках мирного урегулирования Москве могут предложить поэтапное сближение с ЕС. ' +
        '«Мы видим подобные публикации, но никаких предложений по этому поводу не получали», — сказал Песков журналистам. ' +
        'Он добавил, что Россия открыта к экономическому сотрудничеству с европейскими странами на равноправной основе. ' +
        'Ранее глава МИД Сергей Лавров называл расширение ЕС «геополитическим проектом».',
    },
  ],
};

export const storySets = { en, uk, ru };

/** The text an item's fingerprint is taken over: title, then text (as normalize.ts joins them). */
export const asText = (story: Story): string => `${story.title}\n${story.text}`;
