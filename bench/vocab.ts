// Real vocabulary for the benchmark corpus: function words and topical concepts in English, Ukrainian and
// Russian. The long tail (a few thousand pseudo-words per language) is generated in corpus.ts.
//
// A concept is written once per language as variants separated by "|". A variant is either
//   "stem:e1,e2,..."  an inflected word: the surface forms stem+e1, stem+e2 ... (an empty ending is the stem
//                     itself); a rule may name it as "stem*" or as one of the forms
//   "literal text"    a word or a fixed phrase, used as is.

export type Lang = 'en' | 'uk' | 'ru';
export const LANGS: readonly Lang[] = ['en', 'uk', 'ru'];

/** One concept: [English, Ukrainian, Russian]. */
export type ConceptSpec = readonly [string, string, string];

export interface TopicSpec {
  id: string;
  /** Relative share of items that have this topic as their main one. */
  weight: number;
  /** Off-topic noise: rules never look for it, except in `none` lists. */
  noise?: boolean;
  /**
   * General words of the domain (places and leaders, verbs of agreeing and rejecting, hedges): never an
   * item's topic, but part of every item's background vocabulary at these Zipf ranks (0-based).
   */
  general?: { from: number; to: number };
  concepts: readonly ConceptSpec[];
}

/** Words that appear in almost every item of this news domain, and that rules use as anchors. */
export const CONTEXT: TopicSpec = {
  id: 'context',
  weight: 0,
  general: { from: 6, to: 140 },
  concepts: [
    ['Ukrain:e,ian,ians', 'Україн:а,и,і,у|українц:і,ів', 'Украин:а,ы,е,у|украинц:ы,ев'],
    ["Russia|Russian|Russians|Russia's", 'Росі:я,ї,ю|росіян:и', 'Росси:я,и,ю|россиян:е'],
    ['Kyiv', 'Київ|Києва|Києві', 'Киев:,а,е'],
    ['Moscow', 'Москв:а,и,і,у', 'Москв:а,ы,е,у'],
    ['Kremlin', 'Кремл:ь,я,і', 'Кремл:ь,я,е'],
    ["Putin|Putin's", 'Путін:,а,им', 'Путин:,а,ым'],
    ['Zelensky|Zelenskyy', 'Зеленськ:ий,ого,им', 'Зеленск:ий,ого,им'],
    ['Europe|European|Europeans', 'Європ:а,и,і|європейськ:і,их,ий', 'Европ:а,ы,е|европейск:ие,их,ий'],
    ['Washington', 'Вашингтон:,а,і', 'Вашингтон:,а,е'],
    ['US|United States', 'США', 'США'],
  ],
};

/** Verbs of agreeing, signing, rejecting: what `near` looks for next to a topic word. */
export const ACTIONS: TopicSpec = {
  id: 'actions',
  weight: 0,
  general: { from: 60, to: 900 },
  concepts: [
    ['agreed|agree|agrees', 'погодил:ися,ась,ись|погодився', 'согласил:ись,ась,ся'],
    ['signed|sign|signs', 'підписа:ли,в,ла|підпише', 'подписа:ли,л,ла|подпишет'],
    ['rejected|reject|rejects', 'відкинул:и,а|відкида:є,ють', 'отверг:ли,ла|отверга:ет,ют'],
    ['announced|announce', 'оголоси:ли,в,ла', 'объяви:ли,л,ла'],
    ['approved|approve', 'схвали:ли,в,ла', 'одобри:ли,л,ла'],
    ['refused|refuse', 'відмови:лися,вся,лася', 'отказа:лись,лся,лась'],
    ['proposed|propose|proposal', 'запропонува:ли,в,ла|пропозиці:я,ї', 'предложи:ли,л,ла|предложени:е,я'],
    ['discussed|discuss', 'обговори:ли,ть|обговорюва:ли,ти', 'обсуди:ли,ть|обсужда:ли,ть'],
    ['ready', 'готов:і,а,ий', 'готов:ы,а'],
    ['collapsed|collapse', 'зірва:ли,лися|провал:,ом', 'сорва:ли,лись|провал:,ом'],
    ['suspended|suspend', 'призупини:ли,в', 'приостанови:ли,л'],
    ['confirmed|confirm', 'підтверди:ли,в,ла', 'подтверди:ли,л,ла'],
  ],
};

/** Hedges and denials: frequent words that none-lists exclude ("if", "would", "бы", "нібито"). */
export const HEDGES: TopicSpec = {
  id: 'hedges',
  weight: 0,
  general: { from: 12, to: 400 },
  concepts: [
    ['if', 'якщо', 'если'],
    ['would|could', 'би|б', 'бы|б'],
    ['might|may', 'можливо', 'возможно'],
    ['reportedly', 'нібито', 'якобы'],
    ['denied|deny|denies', 'спростува:в,ли', 'опроверг:,ли'],
    ['not ready', 'не готов:і,а', 'не готов:ы,а'],
    ['rumors|rumours', 'чутк:и,ами', 'слух:и,ами'],
  ],
};

export const GENERAL: readonly TopicSpec[] = [CONTEXT, ACTIONS, HEDGES];

export const TOPICS: readonly TopicSpec[] = [
  {
    id: 'talks',
    weight: 6,
    concepts: [
      ['talks', 'переговор:и,ів,ах,ами', 'переговор:ы,ов,ах,ами'],
      ['negotiat:ions,ion,ors,ed,ing', 'перемовин:и,,ах', 'переговорщик:и,ов,ам'],
      ['ceasefire:,s', "перемир'я|припинення вогню", 'перемири:е,я,ем|прекращение огня'],
      ['envoy:,s', 'посланець|посланц:я,ем,і', 'посланник:,а,ом'],
      ['delegation:,s', 'делегаці:я,ї,єю', 'делегаци:я,и,ей'],
      ['Miami', 'Маямі', 'Майами'],
      ['Istanbul', 'Стамбул:,і,а', 'Стамбул:,е,а'],
      ['Geneva', 'Женев:а,і,у', 'Женев:а,е,у'],
      ['Riyadh', 'Ер-Ріяд:,і', 'Эр-Рияд:,е'],
      ['memorand:um,a', 'меморандум:,у,і', 'меморандум:,а,е'],
      ['framework agreement', 'рамкова угода|рамкової угоди|рамкову угоду', 'рамочное соглашение|рамочного соглашения'],
      ['concession:s,', 'поступк:и,у,ами|поступок|уступк:и,у,ами', 'уступк:и,у,ами|уступок'],
      ['guarantee:s,', 'гаранті:ї,й,ями,ях', 'гаранти:и,й,ями,ях'],
      [
        'security guarantees|security guarantee',
        'гарантії безпеки|гарантій безпеки|гарантіями безпеки',
        'гарантии безопасности|гарантий безопасности',
      ],
      ['peace plan|peace plans', 'мирний план|мирного плану|мирному плані', 'мирный план|мирного плана|мирном плане'],
      ['peace talks', 'мирні переговори|мирних переговорів', 'мирные переговоры|мирных переговоров'],
      ['mediat:or,ors,ion,ed', 'посередник:,и,ів|посередництв:о,а', 'посредник:,и,ов|посредничеств:о,а'],
      ['round', 'раунд:,і,у', 'раунд:,е,а'],
      ['draft:,s', 'проєкт:,у,і', 'проект:,а,е'],
      ['point:s,', 'пункт:и,ів,ах', 'пункт:ы,ов,ах'],
    ],
  },
  {
    id: 'nato',
    weight: 4,
    concepts: [
      ["NATO|NATO's", 'НАТО', 'НАТО'],
      ['summit:,s', 'саміт:,у,і', 'саммит:,а,е'],
      ['alliance', 'альянс:,у,і', 'альянс:,а,е'],
      ['allies|allied|ally', 'союзник:и,ів,ам,ами', 'союзник:и,ов,ам,ами'],
      ['membership', 'членств:о,а,і', 'членств:о,а,е'],
      ['accession', 'вступ:,у,і', 'вступлени:е,я|вступ:,а'],
      ['Article 5|Article Five', 'стаття 5|статті 5', 'статья 5|статьи 5'],
      ['Brussels', 'Брюссел:ь,я,і', 'Брюссел:ь,я,е'],
      ['The Hague|Hague', 'Гааг:а,у|Гаазі', 'Гааг:а,е,у'],
      ['defen:se,ce,sive', 'оборон:а,и,і,ою', 'оборон:а,ы,е,ой'],
      ['defense spending', 'витрати на оборону|видатки на оборону', 'расходы на оборону'],
      ['secretary-general|secretary general', 'генсек:,а|генеральний секретар', 'генсек:,а|генеральный секретарь'],
      ['invitation', 'запрошенн:я,ям', 'приглашени:е,я,ем'],
      ['Rutte', 'Рютте', 'Рютте'],
      ['deterrence', 'стримуванн:я,ям', 'сдерживани:е,я,ем'],
      ['eastern flank', 'східний фланг|східного флангу', 'восточный фланг|восточного фланга'],
    ],
  },
  {
    id: 'polls',
    weight: 3,
    concepts: [
      ['poll:,s,ed,ing,ster', 'опитуванн:я,ям,і', 'опрос:,а,ы,ов,е'],
      ['survey:,s,ed', 'дослідженн:я,ям', 'исследовани:е,я,ем'],
      ['KIIS', 'КМІС', 'КМИС'],
      ['Razumkov', 'Разумков:,а|Центр Разумкова', 'Разумков:,а'],
      ['Levada', 'Левад:а,и,у', 'Левада-Центр|Левад:а,ы,у'],
      ['respondent:s,', 'респондент:и,ів,ам', 'респондент:ы,ов,ам'],
      ['percent|per cent', 'відсотк:ів,и|відсоток', 'процент:ов,а|процент'],
      ['trust', 'довір:а,и,у,ою', 'довери:е,я,ем'],
      ['sociologist:s,', 'соціолог:и,ів,ами', 'социолог:и,ов,ами'],
      ['public opinion', 'громадська думка|громадської думки', 'общественное мнение|общественного мнения'],
      ['margin of error', 'похибк:а,и', 'погрешност:ь,и'],
      ['approval rating|approval', 'рейтинг:,у,и', 'рейтинг:,а,и'],
      ['compromise:,s', 'компроміс:,у,и,ів', 'компромисс:,а,ы,ов'],
      ['support:,s,ed', 'підтримк:а,и,у', 'поддержк:а,и,у'],
      ['sample', 'вибірк:а,и,у', 'выборк:а,и,у'],
    ],
  },
  {
    id: 'elections',
    weight: 3,
    concepts: [
      ['election:,s', 'вибор:и,ів,ах', 'выбор:ы,ов,ах'],
      ['vot:e,es,ed,ing', 'голосуванн:я,ям,і', 'голосовани:е,я,и'],
      ['ballot:,s', 'бюлетен:і,ь,ів', 'бюллетен:и,ь,ей'],
      ['candidate:,s', 'кандидат:,и,а,ів', 'кандидат:,ы,а,ов'],
      ['parliament:,ary', 'парламент:,у,і', 'парламент:,а,е'],
      ['Rada|Verkhovna Rada', 'Рад:а,и,і|Верховна Рада', 'Рад:а,ы,е|Верховная Рада'],
      ['martial law', 'воєнний стан|воєнного стану', 'военное положение|военного положения'],
      ['campaign:,s', 'кампані:я,ї,ю', 'кампани:я,и,ю'],
      ['turnout', 'явк:а,и,у', 'явк:а,и,у'],
      ['CEC|election commission', 'ЦВК', 'ЦИК'],
      ['mandate', 'мандат:,у', 'мандат:,а'],
      ['legitima:cy,te', 'легітимн:ість,ості,ий', 'легитимност:ь,и'],
      ['inauguration', 'інавгураці:я,ї', 'инаугураци:я,и'],
    ],
  },
  {
    id: 'front',
    weight: 6,
    concepts: [
      ['front|frontline|front line', 'фронт:,і,у', 'фронт:,е,а'],
      ['offensive:,s', 'наступ:,у,і', 'наступлени:е,я,ем'],
      ['drone:,s', 'дрон:и,ів,ами|безпілотник:и,ів', 'дрон:ы,ов,ами|беспилотник:и,ов'],
      ['missile:,s', 'ракет:а,и,ами', 'ракет:а,ы,ами'],
      ['strike:,s', 'удар:,и,ів', 'удар:,ы,ов'],
      ['shelling', 'обстріл:,и,ів', 'обстрел:,ы,ов'],
      ['brigade:,s', 'бригад:а,и,ою', 'бригад:а,ы,ой'],
      ['troops', 'військ:а,ам|військов:і,их', 'войск:а|военн:ые,ых'],
      ['Pokrovsk', 'Покровськ:,а,у', 'Покровск:,а,е'],
      ['Zaporizhzhia', 'Запоріжж:я,і', 'Запорожь:е,я'],
      ['Kherson', 'Херсон:,а,і', 'Херсон:,а,е'],
      ['Donetsk', 'Донецьк:,а,у', 'Донецк:,а,е'],
      ['air defense|air defence', 'ППО|протиповітряна оборона', 'ПВО|противовоздушная оборона'],
      ['counteroffensive', 'контрнаступ:,у', 'контрнаступлени:е,я'],
      ['casualties', 'втрат:и,ами', 'потер:и,ями'],
      ['mobiliz:ation,ed', 'мобілізаці:я,ї,ю', 'мобилизаци:я,и,ю'],
    ],
  },
  {
    id: 'energy',
    weight: 3,
    concepts: [
      ['gas', 'газ:,у', 'газ:,а'],
      ['pipeline:,s', 'трубопровод:,у,і', 'трубопровод:,а,е'],
      ['grid', 'енергосистем:а,и,і', 'энергосистем:а,ы,е'],
      ['blackout:,s', 'блекаут:,и,ів|відключенн:я,ям', 'блэкаут:,ы|отключени:е,я,й'],
      ['electricity|power', 'електроенергі:я,ї', 'электроэнерги:я,и'],
      ['LNG', 'СПГ', 'СПГ'],
      ['transit', 'транзит:,у', 'транзит:,а'],
      ['oil', 'нафт:а,и,у', 'нефт:ь,и'],
      ['refinery|refineries', 'НПЗ', 'НПЗ'],
      ['power plant|power plants', 'електростанці:я,ї,ю', 'электростанци:я,и,ю'],
      ['Zaporizhzhia nuclear plant|ZNPP', 'ЗАЕС', 'ЗАЭС'],
      ['price cap', 'стеля цін|цінова стеля', 'потолок цен'],
      ['tariff:,s', 'тариф:,и,ів', 'тариф:,ы,ов'],
    ],
  },
  {
    id: 'sanctions',
    weight: 3,
    concepts: [
      ['sanction:s,ed', 'санкці:ї,й,ями,ях', 'санкци:и,й,ями,ях'],
      ['frozen assets', 'заморожені активи|заморожених активів', 'замороженные активы|замороженных активов'],
      ['assets', 'актив:и,ів,ами', 'актив:ы,ов,ами'],
      ['IMF', 'МВФ', 'МВФ'],
      ['loan:,s', 'кредит:,у,и', 'кредит:,а,ы'],
      ['budget:,s', 'бюджет:,у,і', 'бюджет:,а,е'],
      ['inflation', 'інфляці:я,ї,ю', 'инфляци:я,и,ю'],
      ['hryvnia', 'гривн:я,і,ю', 'гривн:а,ы,у'],
      ['ruble:,s|rouble', 'рубл:ь,я,ів', 'рубл:ь,я,ей'],
      ['export:s,', 'експорт:,у', 'экспорт:,а'],
      ['reparations', 'репараці:ї,й', 'репараци:и,й'],
      ['central bank', 'Нацбанк:,у|НБУ', 'Центробанк:,а|ЦБ'],
      ['shadow fleet', 'тіньовий флот|тіньового флоту', 'теневой флот|теневого флота'],
    ],
  },
  {
    id: 'territory',
    weight: 3,
    concepts: [
      ['territor:y,ies,ial', 'територі:я,ї,ю,ями', 'территори:я,и,ю,ями'],
      ['referendum:,s', 'референдум:,у,і', 'референдум:,а,е'],
      ['occupied|occupation', 'окупован:і,их,ої|окупаці:я,ї', 'оккупированн:ые,ых,ой|оккупаци:я,и'],
      ['withdrawal|withdraw', 'виведенн:я,ям', 'вывод:,а,е'],
      [
        'demilitarized zone|buffer zone',
        'демілітаризована зона|буферна зона|буферної зони',
        'демилитаризованная зона|буферная зона|буферной зоны',
      ],
      ['border:,s', 'кордон:,у,и,ів', 'границ:а,ы,у'],
      ['Crimea', 'Крим:,у', 'Крым:,а,у'],
      ['Donbas|Donbass', 'Донбас:,у,і', 'Донбасс:,а,е'],
      ['recogni:tion,ze,zed', 'визнанн:я,ям', 'признани:е,я,ем'],
      ['sovereignty', 'суверенітет:,у', 'суверенитет:,а'],
      ['annex:ation,ed', 'анексі:я,ї,ю', 'аннекси:я,и,ю'],
      [
        'line of contact|contact line',
        'лінія зіткнення|лінії зіткнення|лінії фронту',
        'линия соприкосновения|линии соприкосновения',
      ],
      ['freeze|frozen conflict', 'заморожуванн:я,ям', 'заморозк:а,и,у'],
    ],
  },
  {
    id: 'humanitarian',
    weight: 2,
    concepts: [
      ['prisoner:s,', 'полонен:і,их,им', 'пленн:ые,ых,ым'],
      ['exchange:,s,d', 'обмін:,у,ом', 'обмен:,а,ом'],
      ['POW|POWs', 'військовополонен:і,их', 'военнопленн:ые,ых'],
      ['children', 'діт:и,ей,ьми', 'дет:и,ей,ьми'],
      ['deportation:,s', 'депортаці:я,ї,ю', 'депортаци:я,и,ю'],
      ['Red Cross', 'Червоний Хрест|Червоного Хреста', 'Красный Крест|Красного Креста'],
      [
        'humanitarian corridor',
        'гуманітарний коридор|гуманітарного коридору',
        'гуманитарный коридор|гуманитарного коридора',
      ],
      ['return:,ed', 'поверненн:я,ям', 'возвращени:е,я'],
      ['ombudsman', 'омбудсман:,а', 'омбудсмен:,а'],
      ['civilians', 'цивільн:і,их', 'мирные жители|мирных жителей'],
      ['evacuat:ion,ed', 'евакуаці:я,ї,ю', 'эвакуаци:я,и,ю'],
    ],
  },
  {
    id: 'usaid',
    weight: 3,
    concepts: [
      ['Congress', 'Конгрес:,у,і', 'Конгресс:,а,е'],
      ['aid package|aid', 'пакет допомоги|допомог:а,и,у', 'пакет помощи|помощ:ь,и'],
      ['White House', 'Білий дім|Білого дому|Білому домі', 'Белый дом|Белого дома|Белом доме'],
      ['administration', 'адміністраці:я,ї,ю', 'администраци:я,и,ю'],
      ['Senate', 'Сенат:,у,і', 'Сенат:,а,е'],
      ['Pentagon', 'Пентагон:,у,і', 'Пентагон:,а,е'],
      ['weapons|arms', 'зброя|зброї|озброєнн:я,ям', 'оружи:е,я,ем|вооружени:е,я'],
      ['Patriot:,s', 'Patriot|Петріот', 'Patriot|Пэтриот'],
      ['Tomahawk:,s', 'Tomahawk', 'Томагавк:,и,ов'],
      ['State Department', 'Держдеп:,у|Держдепартамент:,у', 'Госдеп:,а|Госдепартамент:,а'],
      ['veto', 'вето', 'вето'],
      ['Trump', 'Трамп:,а,ом', 'Трамп:,а,ом'],
    ],
  },
  {
    id: 'eu',
    weight: 3,
    concepts: [
      ['EU|European Union', 'ЄС|Євросоюз:,у,і', 'ЕС|Евросоюз:,а,е'],
      ['accession talks', 'переговори про вступ|переговорів про вступ', 'переговоры о вступлении'],
      ['enlargement', 'розширенн:я,ям', 'расширени:е,я,ем'],
      ['Commission|European Commission', 'Єврокомісі:я,ї,ю', 'Еврокомисси:я,и,ю'],
      ['Council|European Council', 'Єврорад:а,и,і', 'Евросовет:,а,е'],
      ['candidate status', 'статус кандидата', 'статус кандидата'],
      ['unanimity', 'одностайн:ість,ості', 'единогласи:е,я'],
      ['Hungar:y,ian', 'Угорщин:а,и,у|угорськ:ий,ого', 'Венгри:я,и,ю|венгерск:ий,ого'],
      ['Orban', 'Орбан:,а,ом', 'Орбан:,а,ом'],
      ['cluster:s,', 'кластер:,и,ів', 'кластер:,ы,ов'],
      ['reform:s,', 'реформ:а,и,ою', 'реформ:а,ы,ой'],
      ['Ukraine Facility', 'Ukraine Facility', 'Ukraine Facility'],
    ],
  },
  {
    id: 'misc',
    weight: 36,
    noise: true,
    concepts: [
      ['football|soccer', 'футбол:,у', 'футбол:,а'],
      ['match:,es', 'матч:,і,у', 'матч:,е,а'],
      ['festival:,s', 'фестивал:ь,і,ю', 'фестивал:ь,е,я'],
      ['concert:,s', 'концерт:,и,і', 'концерт:,ы,е'],
      ['weather', 'погод:а,и,у', 'погод:а,ы,у'],
      ['storm:,s', 'шторм:,у|негод:а,и', 'шторм:,а|непогод:а,ы'],
      ['temperature:,s', 'температур:а,и,у', 'температур:а,ы,у'],
      ['film|movie', 'фільм:,у,і', 'фильм:,а,е'],
      ['exhibition', 'виставк:а,и,у', 'выставк:а,и,у'],
      ['game:,s', 'гр:а,и,у', 'игр:а,ы,у'],
      ['exercise:s,', 'навчанн:я,ях', 'учени:я,ях'],
      ['anniversary', 'річниц:я,і,ю', 'годовщин:а,ы,у'],
      ['histor:y,ic,ical', 'істори:я,ї|історичн:ий,ого', 'истори:я,и|историческ:ий,ого'],
      ["player:s,|player's", "гравц:і,ів|м'яч:,а", 'игрок:и,ов|мяч:,а'],
    ],
  },
];

/** The most frequent words of each language, most frequent first (Zipf ranks 1..). */
export const FUNCTION_WORDS: Record<Lang, readonly string[]> = {
  en: (
    'the of and to in a that is for on with as was said it by at from be he his has have are not this but an ' +
    'which they will would were had been their its after who more also over than or about could new we there ' +
    'one two into week officials government president minister country people year last other some what when ' +
    'while including according statement told during before against between under since three first state ' +
    'any most them our should may those such him her she if no do just only because where how all can now'
  ).split(' '),
  uk: (
    'і в на що не з до у за та про як це від він але для по так вже також його її ми вони які який було буде ' +
    'може щодо після під через ще між тому коли році року президент уряд міністр країни ' +
    "заявив повідомив зазначив люди п'ять пам'ять об'єднаних сьогодні тиждень проти саме лише якщо де всі " +
    'цього цей ця ці їх був була були має мають своїх свої два три перший державний під час'
  ).split(' '),
  ru: (
    'и в на не что с по к за о из как это от он но для так уже также его её ещё всё мы они которые который ' +
    'было будет может после под через между поэтому когда году года президент правительство министр страны ' +
    'заявил сообщил отметил люди сегодня неделю против именно только если где ' +
    'все этого этот эта эти их был была были имеет имеют своих свои два три первый государственный во время'
  ).split(' '),
};

/** Words always written in capitals or with a capital, whatever the rule writes. */
export const ACRONYM = /^(?:[A-Z]{2,}|[А-ЯЄІЇҐ]{2,})(?:'s)?$/;
