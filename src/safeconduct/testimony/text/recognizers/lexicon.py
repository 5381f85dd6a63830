"""Word lists the rules share: Arabic given names and stop words, nationalities and peoples, platforms."""

from __future__ import annotations

ARABIC_GIVEN_NAMES = (
    frozenset(
        """محمد أحمد محمود مصطفى علي عمر عثمان أبوبكر حسن حسين خالد سعيد سعد سعيد سامر سامي سليم سليمان
    يوسف يونس يحيى يعقوب إبراهيم إسماعيل إسحاق إدريس موسى عيسى هارون داود آدم نوح صالح طارق طاهر
    طه ياسين ياسر عمار عادل عماد عبدالله عبدالرحمن عبدالكريم عبدالعزيز عبدالقادر عبدالرزاق عبدالحميد
    فارس فيصل فهد فؤاد جاسم جمال جميل جابر حمزة حامد حمد حمدي حازم حسام هشام هاني هيثم وليد وائل
    زياد زيد زكريا زهير ناصر نبيل نادر نزار نور نعيم منصور مهدي مراد مالك ماجد معاذ مازن قاسم قتيبة
    كريم كمال رامي رياض رضا رشيد شادي شريف صلاح ضياء عامر عباس عدنان عزيز غسان لؤي بلال بشير بكر
    أنس أسامة أيمن أيوب إياد باسل تامر ثامر
    مريم فاطمة عائشة خديجة زينب أسماء آمنة أمينة سارة سلمى سعاد ليلى ليلى نور هدى هند رقية صفية
    حفصة سمية رنا رانيا دعاء منى نادية هالة وفاء ياسمين لينا جميلة زهرة كلثوم""".split()
    )
    | frozenset(
        # More given names common in Syria, Iraq and their neighbours (issue 13: "Arabic given names outside any
        # list"), with the spoken spellings that drop the hamza.
        """احمد ابراهيم اسماعيل ادريس اسامة انس ايمن اياد ايوب أكرم اكرم أمجد امجد أنور انور أيهم ايهم بسام بشار
    بهاء تيسير ثائر جواد حارث حافظ حذيفة حسان حكمت حمود خليل خلدون ربيع رائد رعد رضوان رفعت ريان زاهر
    زكي سالم سامح سلطان سهيل شاكر شاهر صدام صفوان صهيب ضرغام طلال عبيدة عبادة عدي عرفان عصام علاء عمران
    عوض غيث فادي فراس فواز قصي كنان لطفي ماهر محسن مجاهد مشعل مصعب مهند مؤيد مؤمن نايف نضال نواف هادي همام
    وسام ياسين يامن يزن بتول بشرى تهاني جنى حنان حلا خلود دانة ديما رهف روان ريم
    زينة سناء شهد صبا عبير علياء غادة لمى ماجدة مها ميساء نجلاء نسرين نهى هبة هيفاء ولاء""".split()
    )
    | frozenset(
        # Names of the Jazira, Anbar, Nineveh and the Bedouin tribes, and women's names of nature and virtue.
        """هزاع هزاع مشعان فرحان عليان حمدان سرحان شلاش دحام عواد خلف صياح جدوع مطر غانم شيت سرمد شعيب
    عبود حمادي جاسب كاظم عباس جبار ستار حيدر مرتضى مقتدى منتظر سجاد كرار مهيمن ذياب عكاب حردان عفتان
    فيصل نواف مشاري متعب سطام حمود صقر نمر فهد ذيب سلطان جدعان ثامر وطبان شهاب نشوان ورد خزامى سجى
    رغد رؤى دعاء آلاء الاء إسراء اسراء أفراح افراح تغريد ريام زهراء سرى شيماء ضحى عذراء غفران فردوس قمر
    لجين مروة مريم ميس نبأ نغم هديل وجدان يسرى رحاب رباب سهام عفاف كوثر نوال وداد بهية خيرية حليمة
    صبحية فضيلة طرفة عبطان غياث وضحة مزعل امحمد أمحمد هدلة غثيث عطية مطلق جدعان شلال مزيد غازي نوفة صيتة
    موضي عمشة شيخة فضة جوزاء بندري عنود فزعة حسنة سلوى نجمة غالية رحمة منيرة شمسة حصة لطيفة مشاري زبن
    عقاب فواز دخيل مجبل حويدي بدر نهار سويلم هايس عبيد جبر عودة خضر ثامر شاهين عايد زهيرة سميرة أميرة اميرة
    بشيرة نعيمة حكيمة كريمة رشيدة فريدة سعيدة مليكة زكية نادرة سهيلة جميلة ربيعة خيرة فتيحة حورية نصيرة
    صليحة وهيبة زليخة شريفة عتيقة يمينة خديجة ريحانة سلسبيل أسيل اسيل براءة بيان تسنيم جود جوري راما رزان
    رغد سدرة شام غنى ليان مايا ميار نايا هيا يارا يقين أوس اوس براء تيم جود حمزة ريان سيف عمرو غيث قصي
    كرم ليث مؤنس مجد معتز مهند نزار هادي وسيم يمان""".split()
    )
)

#: Given names that are also everyday words (أمل hope, كريم generous, نور light, خميس Thursday, ياسر "a lot"
#: in Hassaniya): a name only with a name after it or a word before it that introduces one (see arabic_names).
ARABIC_NAMES_THAT_ARE_WORDS = frozenset(
    """أمل امل نور كريم جميل جميلة فاضل كامل ياسر منى هدى وفاء سلام صباح فرح رحمة عادل حكيم لطيف منير بدر قمر
    شمس زهرة ورد نجمة غالية حياة سيف أسد اسد نمر صقر خميس جمعة سبت عيد رجب شعبان رمضان مبارك طيب الطيب غريب
    وحيد حر أحلام احلام أماني اماني سعادة نعمة رجاء دنيا سماح حنان نسيم ربيع صفاء ندى نهار""".split()
)

ARABIC_STOPWORDS = frozenset(
    """في من إلى على عن مع بعد قبل عند حتى ثم أو و أن إن كان كانت كانوا يكون قال قالت هو هي هم
    نحن أنا أنت الذي التي الذين هذا هذه ذلك تلك لا لم لن ما قد كل بعض كتب سنة يوم أمام خارج داخل
    قرب بين حين منذ الى علي
    وبعدين بعدين بعدها وبعدها كمان هيك هيك يعني لما لانو لأنو اللي يلي عشان مشان وكان وكانت بس وبس هون هناك
    هنيك شو ليش كيف وين منين لسا لسه خلص ماشي كتير كثير شوي شوية
    وهو وهي وهم وانا وأنا واحنا احنا إحنا انا انت انتي إنت معنا معه معها معهم معي معاه معاها معاي عندي عنده
    عندها عندهم عندنا منه منها منهم مني فيه فيها فيهم له لها لهم لي الو الها الي إلي اللي والي هاد هاي هذول
    هدول هالشي كمان برضو ايضا أيضا بعدو لسّا هلأ هلق هلا هسه هسا هسة اليوم امبارح مبارح بكرة بكرا راح رح صار
    صارت اجا إجا جاء جا اجت إجت وصل وصلت قلي قللي قالي قاللي بدي بده بدها بدنا لازم ممكن يمكن والله وبعد
    فقط كله كلهم كلنا نفس حالي حاله حالها لحالي لحاله مرة مرات زلمة رجال نسوان ولاد اولاد أولاد
    سنتين سنين سنوات شهر شهرين شهور أشهر اشهر أسبوع اسبوع أسبوعين اسبوعين أيام ايام يومين
    أخي اخي اخوي أخوي أختي اختي ابني بنتي زوجي زوجتي مرتي جوزي عمي خالي عمتي خالتي أمي امي أبوي ابوي
    جاو جاوا جاونا جينا جات اجو اجوا""".split()
)

#: Given names common where our users come from (Sahel, Lake Chad, Sudan, Great Lakes, the Levant), in
#: Latin spellings. Most are unknown words, which truecasing capitalises anyway; the list matters for those
#: a word list also holds ("moussa", "fatima", "adam"): written in lower case, they are still read as names
#: unless they are everyday words ("said", "grace"; see truecase.py).
GIVEN_NAMES_LATIN = frozenset(
    """mohamed mohammed muhammad mohammad mahamat mahamadou mamadou amadou ahmed ahmad ahmat hamed ali aliou
    alioune abdoulaye abdallah abdullah abdoul abdul abdel abdou abdelkader abdourahmane abdurrahman boubacar
    bakary abubakar aboubacar oumar omar umar ousmane usman othman osman issa isa moussa musa mousa ibrahim
    ibrahima brahim youssouf yusuf youssef yousef yacouba yakubu yaqub idriss idris driss ismail ismael
    souleymane sulaiman suleiman sulayman salif saleh salah hassan hasan hassane hussein housseini
    alhousseini hamza khalid khaled karim kader saeed sidi sidiki seydou seidou sekou cheick adama adam
    daouda dauda dawud haroun harouna hamadou hamadoun mahmoud mustapha moustapha mustafa tahir tahirou
    yahya yaya zakaria zakari bilal jibril jibrin djibril hamid hamidou rashid rachid nasser nasir nabil
    samir walid yasin yassine tariq tarek faisal fayçal jamal djamel kamal malik modibo lamine mohamedou
    moctar mokhtar mukhtar elhadji elhadj alhaji alhassane ousseini boureima hama garba sani salisu lawan
    bukar modu kachalla babagana goni bulama tijani tidjani ayouba ayuba yunusa younous yunus nouhoum
    nuhu soumaila souleymane baba boukary fousseyni lassana mady mahamane hamma mahamoud attaher intalla
    alghabass iyad bilal anas osama usama ayman qasim kassim jasim jassim faris firas ziad ziyad amer amir
    omar uthman hamdan salem salim selim sami tamer haidar haider abbas hussain mahdi mehdi murad mourad
    fatima fatouma fatoumata fatimata aisha aicha aissata aishatu awa hawa mariam mariama maryam meryem
    khadija kadidia kadiatou khadidja zeinab zainab zenabou aminata amina aminatou hadiza hadjara halima
    rokia rokiatou safiya safia saida salimata salamatou oumou ramatou rahma hafsa houda nafissatou djeneba
    bintou binta coumba fanta assetou maimouna maïmouna mamou habiba asmaa nour noura leila layla salma
    samira yasmina yasmine jamila zahra zohra falmata yagana fatimatou hauwa hadiza balaraba
    okello okot ocen opio otim ojok akello achieng atim lamunu aber adong apio auma akot lakwena odong
    mugisha mugabe kato wasswa nakato babirye mukasa habimana uwimana niyonzima mwamba kabila kasongo
    mbuyi ilunga kabongo tshibanda mutombo bahati neema baraka amani imani rehema zawadi furaha
    jean pierre paul joseph emmanuel daniel david samuel moses musa michael peter james john esther ruth
    mary marie mariam deborah rebecca sarah josephine christine jeanne françoise théophile innocent
    patrick eric didier désiré célestin déogratias grace joy hope faith patience blessing charity mercy
    precious gift prosper espérance""".split()
)
#: Particles between the parts of a name ("Moussa ag Elkher", "Sidi ould Ahmed").
NAME_PARTICLES = frozenset("ag ould wuld ben bin ibn bint ou dan de da van".split())

#: Nationalities, demonyms and peoples (English and French forms; matched case-insensitively).
PEOPLES_LATIN = frozenset(
    """afghan algerian american arab bahraini belgian british burkinabe burkinabè burundian cameroonian
    central-african chadian chechen congolese dutch egyptian emirati eritrean ethiopian french gambian
    german ghanaian guinean indonesian iranian iraqi ivorian jordanian kenyan kuwaiti lebanese liberian
    libyan malian mauritanian moroccan mozambican nigerian nigerien omani pakistani palestinian qatari
    russian rwandan saudi senegalese sierra-leonean somali south-sudanese sudanese swedish syrian tajik
    tanzanian tunisian turkish turkmen ugandan uzbek uyghur yemeni british kurdish kurd yazidi
    kanuri hausa fulani fula peul peuhl peulh tuareg touareg songhai songhay djerma zarma bambara dogon bozo
    mossi dioula dyula senufo sénoufo toubou tubu zaghawa massalit fur baggara nuer dinka acholi lango
    hema lendu hutu tutsi banyamulenge shuwa ifoghas imghad idnane kel-adagh shammar jubur shaitat
    uqaydat bedouin druze alawite circassian assyrian shabak kakai kaka'i yarsani mandaean sabian turkmen
    dane danish norwegian finnish comorian mauritian reunionese cambodian vietnamese chinese asian filipino
    bangladeshi tamil kosovar albanian bosnian macedonian georgian azeri kazakh kyrgyz dagestani ingush
    trinidadian jamaican haitian brazilian portuguese canadian australian irish scottish flemish walloon
    comorien comorienne réunionnais réunionnaise mauricien mauricienne normand normande breton bretonne
    alsacien alsacienne corse lyonnais lyonnaise marseillais marseillaise parisien parisienne cambodgien
    cambodgienne vietnamien vietnamienne chinois chinoise asiatique laotien philippin bangladais indien
    indienne kosovar albanais albanaise bosniaque géorgien daghestanais canadien canadienne danois danoise
    norvégien suédois suédoise néerlandais néerlandaise flamand flamande wallon wallonne antillais
    guyanais martiniquais guadeloupéen haïtien haïtienne brésilien portugais portugaise
    afghane algérien algérienne américain américaine arabe belge britannique burundais burundaise
    camerounais camerounaise centrafricain centrafricaine tchadien tchadienne tchétchène congolais
    congolaise égyptien égyptienne érythréen éthiopien français française allemand allemande ghanéen
    guinéen guinéenne iranien iranienne irakien irakienne ivoirien ivoirienne jordanien jordanienne
    kényan libanais libanaise libérien libyen libyenne malien malienne mauritanien mauritanienne
    marocain marocaine nigérian nigériane nigérien nigérienne pakistanais pakistanaise palestinien
    palestinienne russe rwandais rwandaise saoudien saoudienne sénégalais sénégalaise somalien somalienne
    soudanais soudanaise syrien syrienne tadjik tunisien tunisienne turc turque ougandais ougandaise
    ouzbek yéménite kurde yézidi haoussa songhaï bambaras bozos dogons mossis peuls touaregs
    djiboutien djiboutienne djiboutian comorien maldivien maldivienne maldivian""".split()
)

PEOPLES_ARABIC = frozenset(
    """ليبي عراقي سوري تونسي جزائري مغربي موريتاني سوداني صومالي تشادي نيجيري مالي إيراني أفغاني
    باكستاني سعودي يمني مصري أردني لبناني تركي شيشاني فرنسي ألماني بلجيكي بريطاني روسي كردي تركماني
    إيزيدي أوزبكي طاجيكي فلسطيني إريتري إثيوبي كيني أوغندي كونغولي نيجري
    شركسي شبكي كاكائي فلمنكي دنماركي سويدي نرويجي هولندي كندي أسترالي استرالي أمريكي امريكي بوسني ألباني
    كوسوفي داغستاني أذري قوقازي تركستاني أويغوري ايغوري صيني هندي بنغالي إندونيسي ماليزي طاجيكي قرغيزي
    كازاخي جورجي إسباني اسباني إيطالي ايطالي برتغالي سويسري نمساوي مندائي صابئي
    بحريني عماني عُماني قطري كويتي إماراتي اماراتي شاوي طارقي ترقي قبائلي بودوماوي كانوري زغاوي فلاتي تباوي
    هوساوي برقاوي جعلي شايقي دنقلاوي بجاوي رشايدي""".split()
)

#: Names the NER models tag as organisations that identify nobody (apps, religions, big institutions).
NOT_IDENTIFYING = frozenset(
    """whatsapp telegram signal facebook instagram twitter tiktok youtube viber messenger gmail google
    protonmail tutanota islam allah god quran coran dieu sharia charia hcr unhcr un onu icrc cicr snapchat
    snap kik tumblr reddit discord skype imo wickr threema element session
    red cross croix-rouge ddr""".split()
)

#: Chat and SMS spellings (English, French, Arabizi) that no word list holds: never a name, however unknown.
CHAT_WORDS = frozenset(
    """pls plz plss thx thanks tbh idk imo btw omg lol lmao hes shes didnt dont cant wont isnt wasnt im ive
    ur u r ya yea yeah nah gonna wanna gotta dunno cuz coz bc rn tho nvm ofc insta snap dm dms msg msgs txt
    jsuis jsui chui jtravaille jserai jpense jsais jvais jveux jai jmen slt bjr bsr cc coucou tjrs tjr toujour
    mtn mnt pk pq pcq pck psk stp svp mrc mrci bcp bcq dsl jsp tkt oklm wsh wesh mdr ptdr frr frero reuf
    nbr num tel tél dac dacc ok okk okay ouais ouai nan vrmt vraimt grave trop jte jle cv ca va
    ana enta enti nta nti howa hiya hia ahna a7na fi fih fiha men mn mel w wla walla wallah taw tawa tawwa
    ahla ahlan salam slm bsh bech besh nkhdem nekhdem khdemt rajli rajel mat mchit mchet n7eb nheb 3andi
    3andek kifech kifach chnowa chnou chno barcha yesser ya3ni yani inchallah nchallah hamdoulah khoya
    5oya khouya okhti o5ti t9oul t9ol y9oul y9ol 9al 9alet 9alli 9alli 9alou jit jet ja jet mchit rja3 rje3t
    rjaat darna kan kanet kont kunt bch lezem lazem famma fama mouch mech msh mish mch 3lech 3lach 3la 3al 3ala
    3and m3a ma3a m3aya m3ak ba3d ba3ed 9bal lyoum lyom ghodwa bkri 5ater 5atr 5ir 5ayr 3lik 3liha 3lih
    chwaya chwiya barsha hatta w9t wa9t wa9et lwa9t nharr nhar lil lila sbah 3chiya ghadi ghadia bghit bghina
    daba db dyali dyalek dyal hna houma 7na 7atta 7aja 7ajet 7abit n7ebek nchoufek nchouf chouf 3ayla 3a2ila
    weldi bnti mra rajel s7abi sa7bi 5ouya hamdullah hamdoulillah inchaallah wlh wallahi ya3tik saha sa77a
    yemma yema mama mma baba daron daronne darons ke ki c cé g jsp jvai jvé jfai jfais
    innit ngl fr lowkey bruv bro fam wallahi insyaallah insya'allah alhamdulillah ya5i yakhi ya3ni khoya
    yalla yallah tnx thx brabi barabi 3afak 3fak please plz twensa souri souriya""".split()
)

#: Everyday words of this field that the general word lists lack ("katiba", "talibé"): never taken for a
#: name written in lower case (see truecase.py). Group names built on them ("Katiba Macina") are found by
#: the unit rules from the words that follow.
DOMAIN_WORDS = frozenset(
    """katiba katibas katibat kataib liwa saraya sariya jaysh jaish jund fawj firqa tanzim markaz madrasa
    madrassa madrasas madrasah medersa medersas mahadra kunya kunyas emir emirs amir amirs emirate mujahid
    mujahids mujahideen mujahidin moudjahid moudjahidine moudjahidines djihad djihadiste djihadistes jihadi
    jihadis jihadiste muhajir muhajirin muhajireen ansar shahid shaheed shuhada chahid istishhadi inghimasi
    bayah baya bay'ah allegiance zakat zakkat jizya sadaqa hijab niqab abaya jilbab burqa hijra hégire
    kalashnikov kalach kalash kalashnikovs pkm rpg rpgs okada okadas keke zémidjan jakarta wali walis qadi
    cadi cadis mufti sharia charia hudud tazir talibé talibés talibe talibes almajiri almajirai marabout
    marabouts tabligh dawa da'wa daawa dawah khutba khotba imamat muezzin wudu salat salah dhikr ruqya
    inshallah insha'allah wallahi bismillah alhamdulillah mashallah subhanallah hamdoulillah hamdullah
    kafir kuffar kouffar murtad murtadd taghut taghout khawarij takfir takfiri hisbah hesba caliphate
    djellaba boubou gandoura tagelmust chèche cheche shemagh keffiyeh shisha wadi oued erg reg hamada
    harmattan fada grin maquis koranic coranique talibé hadith sunna sunnah""".split()
)

MONTHS_EN = (
    "January|February|March|April|May|June|July|August|September|October|November|December|"
    "Jan\\.|Feb\\.|Aug\\.|Sept?\\.|Oct\\.|Nov\\.|Dec\\."
)
MONTHS_FR = "janvier|février|fevrier|mars|avril|mai|juin|juillet|août|aout|septembre|octobre|novembre|décembre|decembre"
MONTHS_AR = (
    "كانون الثاني|كانون الأول|تشرين الأول|تشرين الثاني|شباط|آذار|اذار|نيسان|أيار|ايار|حزيران|تموز|آب|"
    "أيلول|ايلول|يناير|فبراير|مارس|أبريل|ابريل|مايو|يونيو|يوليو|أغسطس|اغسطس|سبتمبر|أكتوبر|اكتوبر|"
    "نوفمبر|ديسمبر|محرم|صفر|ربيع الأول|ربيع الآخر|جمادى الأولى|جمادى الآخرة|رجب|شعبان|رمضان|شوال|"
    "ذو القعدة|ذو الحجة|ذي القعدة|ذي الحجة|"
    # Moroccan and Algerian/Tunisian names of the months ("ماي", May, is left out: it is also "water")
    "يوليوز|غشت|شتنبر|نونبر|دجنبر|جانفي|فيفري|أفريل|افريل|جوان|جويلية|جويليه|أوت"
)
DAYS_EN = "Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday"
DAYS_FR = "lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche"
