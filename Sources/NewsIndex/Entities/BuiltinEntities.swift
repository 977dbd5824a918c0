/// The entities newsindex knows out of the box, one per line:
/// `canonical name | type | alias; alias; …` (the canonical name is an alias too).
/// Lines starting with `#` are comments.
///
/// The `english` analyzer leaves the proper names in these aliases unstemmed (see ``ProperNames``).
enum BuiltinEntities {
    static let text = """
    # People: heads of state and government, and others often in the news
    Vladimir Putin | person | Putin; Vladimir Putin; President Putin; Vladimir Vladimirovich Putin
    Xi Jinping | person | Xi; Xi Jinping; President Xi; Mr Xi
    Joe Biden | person | Biden; Joe Biden; President Biden
    Donald Trump | person | Trump; Donald Trump; President Trump
    Barack Obama | person | Obama; Barack Obama
    Volodymyr Zelensky | person | Zelensky; Zelenskyy; Volodymyr Zelensky; Volodymyr Zelenskyy; President Zelensky
    Li Qiang | person | Li Qiang; Premier Li
    Li Keqiang | person | Li Keqiang
    Wang Yi | person | Wang Yi
    Sergei Lavrov | person | Lavrov; Sergei Lavrov; Sergey Lavrov
    Dmitry Medvedev | person | Medvedev; Dmitry Medvedev
    Dmitry Peskov | person | Peskov; Dmitry Peskov
    Sergei Shoigu | person | Shoigu; Sergei Shoigu
    Alexander Lukashenko | person | Lukashenko; Alexander Lukashenko
    Narendra Modi | person | Modi; Narendra Modi
    Recep Tayyip Erdogan | person | Erdogan; Erdoğan; Recep Tayyip Erdogan
    Emmanuel Macron | person | Macron; Emmanuel Macron
    Olaf Scholz | person | Scholz; Olaf Scholz
    Angela Merkel | person | Merkel; Angela Merkel
    Rishi Sunak | person | Sunak; Rishi Sunak
    Boris Johnson | person | Boris Johnson
    Keir Starmer | person | Starmer; Keir Starmer
    Giorgia Meloni | person | Meloni; Giorgia Meloni
    Fumio Kishida | person | Kishida; Fumio Kishida
    Shinzo Abe | person | Shinzo Abe
    Yoon Suk Yeol | person | Yoon Suk Yeol; President Yoon
    Kim Jong Un | person | Kim Jong Un; Kim Jong-un
    Tsai Ing-wen | person | Tsai Ing-wen; President Tsai
    Anthony Albanese | person | Albanese; Anthony Albanese
    Scott Morrison | person | Scott Morrison
    Justin Trudeau | person | Trudeau; Justin Trudeau
    Luiz Inacio Lula da Silva | person | Lula; Lula da Silva; Luiz Inacio Lula da Silva
    Benjamin Netanyahu | person | Netanyahu; Benjamin Netanyahu
    Ali Khamenei | person | Khamenei; Ali Khamenei
    Ebrahim Raisi | person | Raisi; Ebrahim Raisi
    Mohammed bin Salman | person | Mohammed bin Salman
    Bashar al-Assad | person | Assad; Bashar al-Assad
    Cyril Ramaphosa | person | Ramaphosa; Cyril Ramaphosa
    Antonio Guterres | person | Guterres; Antonio Guterres; António Guterres
    Ursula von der Leyen | person | von der Leyen; Ursula von der Leyen
    Jens Stoltenberg | person | Stoltenberg; Jens Stoltenberg
    Kassym-Jomart Tokayev | person | Tokayev; Kassym-Jomart Tokayev
    Shavkat Mirziyoyev | person | Mirziyoyev; Shavkat Mirziyoyev
    Pope Francis | person | Pope Francis
    # Organizations
    United Nations | organization | United Nations; UN
    North Atlantic Treaty Organization | organization | NATO; North Atlantic Treaty Organization
    European Union | organization | European Union; EU
    Shanghai Cooperation Organisation | organization | Shanghai Cooperation Organisation; Shanghai Cooperation Organization; SCO
    BRICS | organization | BRICS
    Group of Seven | organization | G7; G-7; Group of Seven
    Group of Twenty | organization | G20; G-20; Group of Twenty
    World Health Organization | organization | World Health Organization; WHO
    World Trade Organization | organization | World Trade Organization; WTO
    International Monetary Fund | organization | International Monetary Fund; IMF
    World Bank | organization | World Bank
    Association of Southeast Asian Nations | organization | ASEAN; Association of Southeast Asian Nations
    African Union | organization | African Union
    Organization of the Petroleum Exporting Countries | organization | OPEC; OPEC+
    Kremlin | organization | Kremlin
    Communist Party of China | organization | Communist Party of China; Chinese Communist Party; CPC; CCP
    Pentagon | organization | Pentagon
    # Media
    China Central Television | media | CCTV; China Central Television
    Xinhua News Agency | media | Xinhua; Xinhua News Agency
    China Global Television Network | media | CGTN; China Global Television Network
    Global Times | media | Global Times
    TASS | media | TASS; Tass
    RIA Novosti | media | RIA Novosti; RIA
    Reuters | media | Reuters
    Associated Press | media | Associated Press; AP
    Agence France-Presse | media | Agence France-Presse; AFP
    Australian Broadcasting Corporation | media | ABC; Australian Broadcasting Corporation
    British Broadcasting Corporation | media | BBC; British Broadcasting Corporation
    Al Jazeera | media | Al Jazeera
    # Places: countries and capitals
    China | place | China; People's Republic of China; PRC
    Russia | place | Russia; Russian Federation
    United States | place | United States; United States of America; USA; U.S.
    Ukraine | place | Ukraine
    Taiwan | place | Taiwan
    India | place | India
    Japan | place | Japan
    South Korea | place | South Korea; Republic of Korea
    North Korea | place | North Korea; DPRK
    Australia | place | Australia
    United Kingdom | place | United Kingdom; Britain; UK; U.K.
    France | place | France
    Germany | place | Germany
    Italy | place | Italy
    Turkey | place | Turkey; Türkiye
    Iran | place | Iran
    Israel | place | Israel
    Saudi Arabia | place | Saudi Arabia
    Syria | place | Syria
    Belarus | place | Belarus
    Kazakhstan | place | Kazakhstan
    Uzbekistan | place | Uzbekistan
    Philippines | place | Philippines
    Netherlands | place | Netherlands
    Indonesia | place | Indonesia
    Brazil | place | Brazil
    Canada | place | Canada
    South Africa | place | South Africa
    Beijing | place | Beijing; Peking
    Moscow | place | Moscow
    Washington | place | Washington
    Kyiv | place | Kyiv; Kiev
    Taipei | place | Taipei
    Tokyo | place | Tokyo
    Seoul | place | Seoul
    Pyongyang | place | Pyongyang
    New Delhi | place | New Delhi; Delhi
    London | place | London
    Paris | place | Paris
    Berlin | place | Berlin
    Brussels | place | Brussels
    Athens | place | Athens
    Rome | place | Rome
    Ankara | place | Ankara
    Tehran | place | Tehran
    Jerusalem | place | Jerusalem
    Riyadh | place | Riyadh
    Damascus | place | Damascus
    Minsk | place | Minsk
    Astana | place | Astana
    Tashkent | place | Tashkent
    Samarkand | place | Samarkand
    Manila | place | Manila
    Jakarta | place | Jakarta
    Canberra | place | Canberra
    Sydney | place | Sydney
    Ottawa | place | Ottawa
    Brasilia | place | Brasilia; Brasília
    Pretoria | place | Pretoria
    Shanghai | place | Shanghai
    Hong Kong | place | Hong Kong
    Nanjing | place | Nanjing
    Chongqing | place | Chongqing
    Kunming | place | Kunming
    Harbin | place | Harbin
    Xinjiang | place | Xinjiang
    Crimea | place | Crimea
    Donbas | place | Donbas; Donbass
    East China Sea | place | East China Sea
    South China Sea | place | South China Sea
    """
}
