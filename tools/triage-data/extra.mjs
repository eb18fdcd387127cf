// Second round of starter material (2026-11-23), written after an error analysis of the first model: vocabulary the
// first round lacked (colloquial verbs, English inflections, pinyin), boundary phrasings between confusable leaves
// (未发货/快递丢失/处理时效, 换货/退款/未发货, 闪退/体验反馈, 客服态度/处理时效, 登录失败/密码找回), and formal
// long messages where the key fact is buried. Not copied from the dev set or the holdouts.

export const extra = {
  '订单服务/下单问题/无法支付': {
    hand: ['确认付款以后一直显示支付中，最后订单被取消了', '付钱的时候提示商户状态异常', '银联卡支付返回错误，交易没成功', '余额宝付款失败，说渠道维护',
      '买东西付不成款，提示请更换支付方式', '付款一直不成功到底怎么回事，急着要', '刚才付款被拦截说有风险，我正常购物啊', '下单后付不了钱，订单过了半小时自动关闭了',
      '绑定的银行卡付款提示卡状态异常', '输了三次短信验证码都说不对，付不了款', '扫码付款提示二维码无效', '支付限额了？我今天才付了一笔',
      '小程序里付款没反应，点了好几次', '结账时提示支付服务暂不可用', '付款界面闪一下就没了，钱也没付出去', '想付款但是一直提示请先实名认证',
      '银行卡被扣了钱但订单显示未付款，我不敢再付了', '积分加现金支付不了，只能选一种吗', '付款总是提示交易超时', '企业账户付款走不通'],
    en: ['My card keeps getting declined at checkout', 'the payment won\'t go through, tried two cards', 'Paying fails with "transaction not permitted"',
      'cannot checkout, payment error every time', 'Google Pay is not working on your checkout page', 'order stuck at awaiting payment, pay button fails',
      'The bank OTP page times out and the payment fails', 'checkout keeps saying payment unsuccessful', 'why is my debit card being refused', 'unable to pay for my cart'],
  },
  '订单服务/下单问题/地址错误': {
    hand: ['收货地址填错了，还没发货能改吗', '区县选错了，帮我改一下地址', '门牌号写错了，应该是302不是203', '手机号码填错一位，快递联系不上我',
      '收件人名字打错了，麻烦改一下', '我搬家了，订单上还是老地址', '地址里小区名字写错了', '默认地址忘了切换，寄到别的地方去了',
      '收货地址少写了楼栋号', '订单地址选成了别的城市', '帮我把订单的收货信息改一下', '地址定位错了，定到隔壁小区了',
      '邮编填错了会不会影响配送，能改吗', '收件电话写成了家里座机，改成手机吧', '想把收货地址改成公司，家里白天没人', '下单时地址自动填成旧的了',
      '收货人信息有误需要修改', '楼层写错了，帮忙修改', '我的订单寄送地址错了，请更正', '街道名字写错了一个字'],
    en: ['I entered the wrong address, can you change it before it ships', 'typo in my shipping address', 'please update the delivery address on my order',
      'wrong phone number on the order, the courier can\'t reach me', 'I need to correct the recipient name', 'Can I change where my order is being sent?',
      'I moved, please change the address on my order', 'the street name on my order is misspelled', 'wrong postcode on my order', 'my address is missing the apartment number'],
  },
  '订单服务/物流问题/未发货': {
    hand: ['都一个星期了还在备货中', '到现在都没发货，什么时候发', '仓库还没发出吧，物流信息一片空白', '一直显示待发货，有货吗',
      '麻烦催一下发货，急用', '说好当天发，到现在还没出库', '订单显示商家已接单，就是不发货',
      '还没揽收，是不是还没打包', '能不能先把我这单发了', '其他东西都到了，就这单迟迟不发', '预售的什么时候开始发货',
      '你们发货也太慢了，三天了还没发', '物流一直没信息，是不是没发出来', '仓库是不是缺货了，怎么一直不发', '付款后多久发货？我等好几天了',
      '商家一直不发货，能帮我催一下吗', '发货时间过了还没发', '状态还是已付款未发货', '能加急发货吗，这周要用'],
    en: ['no dispatch confirmation yet', 'my order still hasn\'t shipped', 'When will my order be dispatched?',
      'order still says processing, has it been sent out?', 'please ship my order, I need it this week',
      'still waiting for it to ship', 'no shipping update since I paid', 'why hasn\'t my order been sent yet', 'the item says in stock but my order is not shipped'],
  },
  '订单服务/物流问题/快递丢失': {
    hand: ['快递说放门口了，出门一看没有', '物流写着已投递，家里没人见过这个件', '快递丢件了，怎么赔偿', '物流显示到了本地网点后就没下文了', '快递好像丢了，物流很久没更新', '显示签收了但我没收到东西', '包裹被别人拿走了', '物流卡在一个地方十几天不动',
      '快递员说包裹找不到了', '件在中转站丢了吗，一直没有新信息',
      '我的包裹是不是寄丢了', '包裹半路丢了谁赔',
      '被冒领了，签收人不是我', '运输途中显示异常件，然后就没消息了', '物流信息停在派送中好几天', '快递公司说货物遗失了',
      '快递单号查不到信息了，包裹呢', '已经半个月了物流一直没动，应该是丢了吧', '派送员说送到了，我一直在家根本没人来'],
    en: ['courier claims delivered, nothing here', 'my package is lost', 'parcel stuck in transit for two weeks',
      'the courier lost my parcel', 'someone stole my package from the porch', 'no tracking updates for 10 days, I think it\'s lost',
      'package marked as delivered to the wrong address', 'where is my parcel? it disappeared after the sorting center', 'delivery shows complete but nothing arrived'],
  },
  '订单服务/售后问题/退款申请': {
    hand: ['退款到账太慢了', '申请了退货退款怎么还没人上门取件', '仅退款申请一直没通过', '收到的东西是坏的，退钱', '我要申请退款', '东西有质量问题，要退货退款', '退款申请提交了好几天还没审核', '退货已经寄回，钱什么时候退给我',
      '不想要了，怎么退款',
      '退款一直显示处理中', '七天无理由退货怎么申请',
      '仅退款可以吗，东西不值得寄回', '商品坏了，直接退款吧',
      '申请售后退款入口在哪', '订单取消了钱什么时候到账', '食品过期了，要求退款'],
    en: ['refund has not arrived on my card', 'I want to return these shoes and get my money back', 'I want a refund', 'please refund my order, the item is broken', 'I returned the item but haven\'t got my money back',
      'refund request still pending after a week', 'how do I return this and get a refund',
      'I want to return it for a full refund'],
  },
  '订单服务/售后问题/换货流程': {
    hand: ['换件好的给我', '线头开了，换一条新的', '拉链坏了，给我换个', '杯子漏水，换个新的吧', '给我调换一个没问题的', '想换个尺码，怎么操作', '发来的手机壳型号不对，要换', '换货单审核过了，新商品一直没发出', '尺码不合适，想换一个大一号的', '收到的东西有问题，我想换个新的，不要退款', '换货怎么申请',
      '换货寄回去了，新的什么时候发', '可以换款吗，同价位的', '鞋子偏小想换码',
      '发错型号了，请给我换',
      '想把这个换成别的颜色', '收到的商品有瑕疵，换一个就行', '换货申请通过了，寄回地址是哪里',
      '质量问题换货要多久'],
    en: ['can I trade it for another size', 'the zip broke, please send me a new one', 'how long does an exchange take', 'can I exchange it for a different model', 'I\'d like to exchange this for a different size',
      'how do I exchange an item', 'sent the item back for exchange, when will the new one ship', 'exchange for a larger size please',
      'the product is defective, please send a replacement', 'I want to swap it for the blue one', 'replacement order status?'],
  },
  '技术支持/APP故障/闪退': {
    hand: ['看视频看一半app没了', '上传图片时应用直接退出，内容也没了', 'APP一打开就闪退', '用着用着app就自己退出了', '点开某个页面就崩溃', 'app老是闪退，没法用',
      '打开就回到桌面了', '一进直播就卡死然后退出', '更新以后一直闪退',
      'app崩了，打不开', '一点支付页面应用就关闭', '拍照上传的时候程序直接退出',
      '程序经常自己关掉', '每次打开没几秒就退出来了', '安卓手机上频繁闪退', '打开app直接跳回手机主界面',
      '软件总是崩溃，重装也没用', 'APP无响应然后强制关闭', '点消息中心就闪退', '打开app一秒就闪了'],
    en: ['the app crashes on startup', 'app keeps crashing', 'the app closes by itself', 'it force closes every time I open it',
      'the app quits when I tap my orders', 'app crashed after the update', 'the app shuts down randomly', 'app stops working and closes',
      'crashing on android', 'it keeps crashing on my iphone'],
  },
  '技术支持/APP故障/加载缓慢': {
    hand: ['APP太卡了', '页面一直在转圈加载不出来', '图片加载很慢', '打开首页要等很久',
      '加载特别慢，网络没问题', '点什么都反应很慢', '刷新不出来一直在加载',
      '视频一直缓冲', '滑动很卡顿', 'app运行很慢',
      '打开订单页面要等半分钟', '最近用着特别卡', '加载不出内容，一直loading',
      '切换页面很慢', '网页版加载巨慢', 'app反应迟钝', '一直卡在加载页面'],
    en: ['the app is very slow', 'pages take forever to load', 'the app is laggy',
      'loading is so slow', 'the website is slow today', 'stuck on the loading screen',
      'app is sluggish since the update', 'it keeps buffering'],
  },
  '技术支持/账号问题/登录失败': {
    hand: ['登录不了', '账号登不上去', '一直提示登录失败', '登录时提示服务器错误',
      '微信登录不了', '验证码登录也登不进去', '账号被冻结了登不上', '显示账号异常，无法登录',
      '刷机以后账号登不上了', '登录后马上又被踢出来', '密码是对的但就是登不上', '登录界面一直转圈',
      '电脑端登录不了', '提示账号不存在，我明明注册过', '登录时说设备存在风险', '账号被锁定了，说有异常',
      '二维码登录一直失败', '一登录就闪回登录页', '登陆不上了怎么回事', '进不去我的账户'],
    en: ['I can\'t log in', 'login fails every time', 'unable to sign in to my account', 'my account is locked',
      'it says my account is suspended and I can\'t log in', 'login error on the app',
      'sign in page says invalid credentials but they are correct', 'sign in with wechat is not working', 'locked out of my account'],
  },
  '技术支持/账号问题/密码找回': {
    hand: ['忘记密码了怎么办', '密码找回收不到验证码', '怎么重置密码',
      '想改密码在哪里改', '重置密码的链接失效了', '找回密码需要什么资料',
      '密码想不起来了', '修改密码一直提示失败', '通过邮箱找回密码收不到邮件', '设置新密码提示格式不对',
      '旧密码忘了没法改新密码', '找回密码页面打不开',
      '忘记登录密码，怎么重新设置', '重置密码后还是不对', '帮我重置一下密码', '密码记不住了'],
    en: ['I forgot my password', 'how do I reset my password', 'no reset code comes to my phone',
      'need to change my password', 'can\'t remember my password',
      'password recovery is not working', 'how to set a new password'],
  },
  '投诉建议/服务投诉/客服态度': {
    hand: ['问退款进度，客服不耐烦地说等着就行', '打电话问物流，客服直接挂了电话', '客服听我说了两句就挂断了', '我说要换货，客服冷嘲热讽', '客服说我事多', '客服让我别烦他', '那个客服说话带脏字', '客服问什么都说不知道，态度差到极点', '客服说话像在教训人', '售后专员态度很横', '客服态度很差', '客服说话很难听',
      '投诉你们的客服，太没礼貌了',
      '客服一直推卸责任', '客服不理人', '客服回复很冷漠',
      '电话客服态度恶劣', '我要投诉那个客服，态度太差了',
      '客服服务态度有问题', '客服很傲慢'],
    en: ['the agent swore at me', 'your staff treated me like an idiot', 'the support staff was very unprofessional',
      'the rep was condescending', 'your support person yelled at me', 'I want to complain about the agent\'s attitude',
      'terrible attitude from your customer service', 'the staff on the phone was disrespectful'],
  },
  '投诉建议/服务投诉/处理时效': {
    hand: ['退款的事找你们处理了两周还没个结论', '换货问题反映了好几次，到现在也没人给说法', '物流问题投诉了十天，你们到底管不管', '一个简单的售后问题你们拖了二十天', '说加急处理，结果一周了还是没消息', '让我等通知，一直没人联系', '问题升级了好几次也没解决，到底要多久', '投诉都快一个月了还没给结果', '你们回复一次要隔好几天', '转了三个部门还是没人解决', '说会升级处理，结果不了了之', '问题一直没人处理', '投诉了好几天没有回复',
      '处理太慢了，拖了一个月', '反映的问题没有下文', '你们的处理效率太低',
      '客服电话一直打不通', '留言没人回',
      '答应的期限早过了',
      '在线客服一直排队', '邮件发了一周没回音', '说好三个工作日，现在都十天了', '一个问题要拖多久'],
    en: ['your response time is terrible', 'three days and not a single reply', 'your support is too slow',
      'no one is handling my complaint',
      'it takes forever to get an answer from you', 'waited on hold for an hour', 'emailed three times, no response', 'when will someone follow up'],
  },
  '投诉建议/产品建议/功能优化': {
    hand: ['建议增加护眼模式', '希望能加个批量操作功能', '能不能支持按价格筛选',
      '希望能一键复制物流单号', '能不能加一个库存提醒', '建议支持指纹支付', '希望增加多语言',
      '可以加个搜索历史吗', '建议开放更多支付方式', '希望能开电子发票', '能不能出个电脑客户端',
      '建议加个到货提醒', '希望评价能按有图筛选', '能否支持预约上门安装', '建议增加语音搜索',
      '希望购物车可以分组', '能不能增加亲友代付', '建议加一个比价功能', '希望能自定义首页'],
    en: ['please add a high contrast mode', 'feature request: a size guide on every product page', 'it would be nice to have live chat in the app',
      'could you add support for more wallets', 'suggestion: let us pin favourite stores', 'I wish the app had a barcode scanner',
      'please add restock alerts', 'would love a desktop app', 'add a gift wrapping option', 'please let us compare products side by side'],
  },
  '投诉建议/产品建议/体验反馈': {
    hand: ['结算页面太挤了，看着累', '详情页信息太多太乱', '购物车页面排得密密麻麻', '提醒太多了，有点打扰', '深色模式下文字看不清', '页面跳来跳去，用着别扭', '新版界面不好用', '广告太多了', '文字排版太密了，看着累', '界面很乱找不到东西',
      '通知太多了，能少点吗', '改版以后用不习惯', '颜色太刺眼了', '整体体验不错',
      '用起来挺顺手的', '操作太复杂了', '按钮太小不好点', '各种浮窗挡着内容',
      '首页设计很丑', '新版比旧版难用', '布局很清楚，好评', '设置入口太隐蔽',
      '启动页的广告跳不过去', '界面简洁好用', '页面排版太挤', '导航不直观'],
    en: ['the colours are ugly', 'too many ads in the app', 'the font is too small', 'the layout is confusing',
      'I like the new interface', 'too many push notifications', 'the app is easy to use, great job', 'the redesign is hard to navigate',
      'the menu is cluttered', 'nice clean ui'],
  },
};

// Pinyin that customers type when the IME is off or they are lazy (whole word, or half pinyin half hanzi).
export const pinyin = [['闪退', 'shantui'], ['闪退', '闪tui'], ['登录', 'denglu'], ['登录', 'deng录'], ['退款', 'tuikuan'], ['退款', 'tui款'],
  ['发货', 'fahuo'], ['发货', '发huo'], ['加载', 'jiazai'], ['密码', 'mima'], ['快递', 'kuaidi'], ['地址', 'dizhi'], ['支付', 'zhifu'],
  ['付款', 'fukuan'], ['换货', 'huanhuo'], ['换货', 'huan货'], ['客服', 'kefu'], ['投诉', 'tousu'], ['物流', 'wuliu'], ['卡顿', 'kadun'],
  ['账号', 'zhanghao'], ['崩溃', 'bengkui'], ['建议', 'jianyi'], ['态度', 'taidu'], ['界面', 'jiemian'], ['广告', 'guanggao'], ['处理', 'chuli'],
  ['丢了', 'diule'], ['签收', 'qianshou'], ['忘记', 'wangji'], ['重置', 'chongzhi'], ['功能', 'gongneng'], ['体验', 'tiyan'], ['回复', 'huifu']];

// Formal wrappers: the key fact sits in the middle of a long message with neutral sentences around it.
export const emailOpeners = ['尊敬的客服您好：', '您好，我是贵平台的老用户，', '客服同事你好，打扰一下。', '你好，有个问题想反映一下。',
  '您好！', '尊敬的商家：', '你好，我已经在你们这里买了好几年东西了，'];
export const emailFillers = ['事情是这样的，', '情况大概是这样：', '具体情况如下：', '我先说明一下，', '我尝试了好几次，', '我已经看过帮助中心了，没找到答案，',
  '这个问题已经影响到我了，', '我比较着急，', '说实话有点失望，', '我也不太懂这些，'];
export const emailClosers = ['希望尽快给我一个答复，谢谢！', '麻烦你们尽快处理，谢谢。', '期待您的回复。', '如需更多信息请联系我。',
  '辛苦了，盼复。', '请帮忙看一下，多谢！', '谢谢你们的耐心。'];
export const enEmailOpeners = ['Hello support team, ', 'Dear customer service, ', 'Hi there, I have been a customer for years. ', 'Good morning. '];
export const enEmailClosers = [' I would appreciate a quick reply.', ' Looking forward to hearing from you.', ' Please let me know what to do. Thanks.', ' Kind regards.'];

// More account-takeover messages (must be urgent), phrased around the intruder rather than the word 盗.
export const extraUrgent = {
  '技术支持/账号问题/登录失败': ['账号在外地被人登录了，现在我自己登不上', '我的账户被别人用了，还买了东西，现在登录不进去', '凌晨有陌生设备登了我的号，我被踢下线了',
    '不是我本人登录的，账号被人拿去用了，我现在进不去', '有人用我的账号下单，我登录提示密码错误', '收到在别的省登录的提醒，然后我就登不上了',
    'Somebody else has access to my account, I got a login alert from a city I have never been to and now I cannot sign in',
    'unknown device signed into my account and kicked me out', 'my account was compromised, someone is using it and I am locked out',
    'there are orders I did not place and I can no longer log in', '帳號被別人登入了，還下了訂單，我現在登不進去'],
  '技术支持/账号问题/密码找回': ['有人把我的密码和手机号都改了，我要找回账号', '密码被陌生人改掉了，怎么重置', '不是我改的密码，账号应该被人动了，怎么找回',
    'someone reset my password without me, how do I get my account back', 'my password and email were changed by someone else, please help me recover it',
    '密碼被不明人士修改，帳號要怎麼找回'],
};
