-- A scan store as errcheck wrote it with store schema 1 (before titles, date sources and
-- Chinese reasons): the scan of the archive of batch_archive.py with test_scan.SCAN and
-- --workers 1, dumped with sqlite3's iterdump. test_reports.py migrates and resumes it.
BEGIN TRANSACTION;
CREATE TABLE documents (
    id TEXT PRIMARY KEY, grp TEXT NOT NULL, date TEXT, kind TEXT NOT NULL,
    source_path TEXT NOT NULL, location TEXT NOT NULL, length INTEGER NOT NULL,
    verdict TEXT NOT NULL, score INTEGER NOT NULL, serious INTEGER NOT NULL,
    error INTEGER NOT NULL, warning INTEGER NOT NULL, findings INTEGER NOT NULL
);
INSERT INTO "documents" VALUES('site-a/a1.txt','site-a',NULL,'text','archive/site-a/a1.txt','archive/site-a/a1.txt',34,'fail',0,4,0,0,4);
INSERT INTO "documents" VALUES('site-a/a2.md','site-a',NULL,'markdown','archive/site-a/a2.md','archive/site-a/a2.md',19,'pass',100,0,0,0,0);
INSERT INTO "documents" VALUES('site-a/a4.docx','site-a',NULL,'docx','archive/site-a/a4.docx','archive/site-a/a4.docx',33,'fail',20,2,0,0,2);
INSERT INTO "documents" VALUES('site-a/news/a3.html','site-a',NULL,'html','archive/site-a/news/a3.html','archive/site-a/news/a3.html',41,'fail',0,3,0,0,3);
INSERT INTO "documents" VALUES('site-b/b1.htm','site-b',NULL,'html','archive/site-b/b1.htm','archive/site-b/b1.htm',34,'fail',0,3,0,0,3);
INSERT INTO "documents" VALUES('r-2017','县政府网站','2017-05-01','record','records.jsonl','records.jsonl:1',21,'pass',98,0,0,1,1);
INSERT INTO "documents" VALUES('r-2020','县政府网站','2020-05-01','record','records.jsonl','records.jsonl:2',21,'warn',88,0,1,1,2);
INSERT INTO "documents" VALUES('r-clean','县医保局公众号','2023-01-02','record','records.jsonl','records.jsonl:3',12,'pass',100,0,0,0,0);
INSERT INTO "documents" VALUES('<script>alert(1)</script>','<i>账号</i>','2023-03-04','record','records.jsonl','records.jsonl:8',11,'fail',59,1,0,0,1);
CREATE TABLE errors (
    location TEXT PRIMARY KEY, id TEXT NOT NULL, source_path TEXT NOT NULL, reason TEXT NOT NULL
);
INSERT INTO "errors" VALUES('records.jsonl:4','records.jsonl:4','records.jsonl','line 4: invalid JSON: Expecting value: line 1 column 1 (char 0)');
INSERT INTO "errors" VALUES('records.jsonl:5','r-notext','records.jsonl','text field ''body'' missing');
INSERT INTO "errors" VALUES('records.jsonl:6','r-baddate','records.jsonl','date field ''published'': not a date: ''yesterday''');
INSERT INTO "errors" VALUES('records.jsonl:7','r-2017','records.jsonl','duplicate document id (first at records.jsonl:1)');
INSERT INTO "errors" VALUES('archive/site-b/b2.txt','site-b/b2.txt','archive/site-b/b2.txt','binary data (NUL bytes), not text');
INSERT INTO "errors" VALUES('archive/site-b/b3.docx','site-b/b3.docx','archive/site-b/b3.docx','not a readable .docx file: BadZipFile: File is not a zip file');
INSERT INTO "errors" VALUES('archive/site-b/b4.txt','site-b/b4.txt','archive/site-b/b4.txt','not utf-8 text (invalid byte at offset 0)');
CREATE TABLE findings (
    doc_id TEXT NOT NULL, idx INTEGER NOT NULL, start INTEGER NOT NULL, "end" INTEGER NOT NULL,
    line INTEGER NOT NULL, col INTEGER NOT NULL, text TEXT NOT NULL, suggestions TEXT NOT NULL,
    code TEXT NOT NULL, category TEXT NOT NULL, severity TEXT NOT NULL, message TEXT NOT NULL,
    context TEXT NOT NULL, kind TEXT NOT NULL, source_start INTEGER, source_end INTEGER,
    paragraph INTEGER, paragraph_offset INTEGER,
    PRIMARY KEY (doc_id, idx)
) WITHOUT ROWID;
INSERT INTO "findings" VALUES('<script>alert(1)</script>',0,3,5,1,4,'名族','["民族"]','TY0001','typo','serious','「名族」应为「民族」：民族的“民”误写为“名”','<b>名族</b>团结','listed',NULL,NULL,NULL,NULL);
INSERT INTO "findings" VALUES('r-2017',0,16,18,1,17,'其它','["其他"]','NM9001','normative','warning','「其它」宜写作「其他」','商行政管理总局负责，以及其它事项。','listed',NULL,NULL,NULL,NULL);
INSERT INTO "findings" VALUES('r-2020',0,1,11,1,2,'国家工商行政管理总局','["国家市场监督管理总局"]','OD0001','outdated','error','「国家工商行政管理总局」已于2018年并入「国家市场监督管理总局」','由国家工商行政管理总局负责，以及其它事项。','listed',NULL,NULL,NULL,NULL);
INSERT INTO "findings" VALUES('r-2020',1,16,18,1,17,'其它','["其他"]','NM9001','normative','warning','「其它」宜写作「其他」','商行政管理总局负责，以及其它事项。','listed',NULL,NULL,NULL,NULL);
INSERT INTO "findings" VALUES('site-a/a1.txt',0,10,13,1,11,'京津翼','["京津冀"]','FP0001','fixed-phrase','serious','「京津翼」应为「京津冀」：冀是河北省的简称','县医保局将京津冀写成京津翼，截止目前已整改，名族团','listed',NULL,NULL,NULL,NULL);
INSERT INTO "findings" VALUES('site-a/a1.txt',1,14,18,1,15,'截止目前','["截至目前"]','TY0002','typo','serious','「截止目前」应为「截至目前」：表示到某一时间为止用“截至”，“截止”表示停止，后面不带时间宾语','保局将京津冀写成京津翼，截止目前已整改，名族团结，党的二','listed',NULL,NULL,NULL,NULL);
INSERT INTO "findings" VALUES('site-a/a1.txt',2,22,24,1,23,'名族','["民族"]','TY0001','typo','serious','「名族」应为「民族」：民族的“民”误写为“名”','京津翼，截止目前已整改，名族团结，党的二十精神
','listed',NULL,NULL,NULL,NULL);
INSERT INTO "findings" VALUES('site-a/a1.txt',3,27,33,1,28,'党的二十精神','["党的二十大精神"]','FP0002','fixed-phrase','serious','「党的二十精神」应为「党的二十大精神」：漏写“大”字，改变了规范表述','止目前已整改，名族团结，党的二十精神
','listed',NULL,NULL,NULL,NULL);
INSERT INTO "findings" VALUES('site-a/a4.docx',0,13,17,2,5,'截止目前','["截至目前"]','TY0002','typo','serious','「截止目前」应为「截至目前」：表示到某一时间为止用“截至”，“截止”表示停止，后面不带时间宾语','一段没有问题。
第二段：截止目前已完成。
单元格
促进各','listed',NULL,NULL,1,4);
INSERT INTO "findings" VALUES('site-a/a4.docx',1,29,31,4,4,'名族','["民族"]','TY0001','typo','serious','「名族」应为「民族」：民族的“民”误写为“名”','已完成。
单元格
促进各名族团结','listed',NULL,NULL,3,3);
INSERT INTO "findings" VALUES('site-a/news/a3.html',0,4,7,1,5,'京津翼','["京津冀"]','FP0001','fixed-phrase','serious','「京津翼」应为「京津冀」：冀是河北省的简称','关于推进京津翼协同发展的通知
各单位要','listed',256,259,NULL,NULL);
INSERT INTO "findings" VALUES('site-a/news/a3.html',1,25,31,2,11,'党的二十精神','["党的二十大精神"]','FP0002','fixed-phrase','serious','「党的二十精神」应为「党的二十大精神」：漏写“大”字，改变了规范表述','知
各单位要认真学习贯彻党的二十精神，促进各名族团结。
','listed',287,293,NULL,NULL);
INSERT INTO "findings" VALUES('site-a/news/a3.html',2,35,37,2,21,'名族','["民族"]','TY0001','typo','serious','「名族」应为「民族」：民族的“民”误写为“名”','贯彻党的二十精神，促进各名族团结。
','listed',297,299,NULL,NULL);
INSERT INTO "findings" VALUES('site-b/b1.htm',0,4,7,1,5,'京津翼','["京津冀"]','FP0001','fixed-phrase','serious','「京津翼」应为「京津冀」：冀是河北省的简称','深入推进京津翼协同发展，<截止目前>，','listed',37,47,NULL,NULL);
INSERT INTO "findings" VALUES('site-b/b1.htm',1,13,17,1,14,'截止目前','["截至目前"]','TY0002','typo','serious','「截止目前」应为「截至目前」：表示到某一时间为止用“截至”，“截止”表示停止，后面不带时间宾语','入推进京津翼协同发展，<截止目前>，各项工作有序推进。名','listed',56,60,NULL,NULL);
INSERT INTO "findings" VALUES('site-b/b1.htm',2,28,30,1,29,'名族','["民族"]','TY0001','typo','serious','「名族」应为「民族」：民族的“民”误写为“名”','前>，各项工作有序推进。名族团结。
','listed',75,78,NULL,NULL);
CREATE TABLE items (id TEXT PRIMARY KEY, run INTEGER NOT NULL, location TEXT NOT NULL);
INSERT INTO "items" VALUES('site-a/a1.txt',1,'archive/site-a/a1.txt');
INSERT INTO "items" VALUES('site-a/a2.md',1,'archive/site-a/a2.md');
INSERT INTO "items" VALUES('site-a/a4.docx',1,'archive/site-a/a4.docx');
INSERT INTO "items" VALUES('site-a/news/a3.html',1,'archive/site-a/news/a3.html');
INSERT INTO "items" VALUES('site-b/b1.htm',1,'archive/site-b/b1.htm');
INSERT INTO "items" VALUES('site-b/b2.txt',1,'archive/site-b/b2.txt');
INSERT INTO "items" VALUES('site-b/b3.docx',1,'archive/site-b/b3.docx');
INSERT INTO "items" VALUES('site-b/b4.txt',1,'archive/site-b/b4.txt');
INSERT INTO "items" VALUES('r-2017',1,'records.jsonl:1');
INSERT INTO "items" VALUES('r-2020',1,'records.jsonl:2');
INSERT INTO "items" VALUES('r-clean',1,'records.jsonl:3');
INSERT INTO "items" VALUES('<script>alert(1)</script>',1,'records.jsonl:8');
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
INSERT INTO "meta" VALUES('schema_version','1');
INSERT INTO "meta" VALUES('config','{"sources": ["archive", "records.jsonl"], "options": {"id_field": "id", "text_field": "body", "group_field": "site", "date_field": "published", "html": false, "group_by_dir": true, "encoding": "utf-8"}, "ruleset_version": "09cb8613a78d", "dictionaries": "d43dfd53853cd03d", "categories": null, "min_severity": null, "mode": "fast", "as_of": null}');
INSERT INTO "meta" VALUES('runs','1');
INSERT INTO "meta" VALUES('finished','true');
INSERT INTO "meta" VALUES('last_run','{"engine": "inline", "workers": 1, "seconds": 0.057, "documents_checked": 12, "skipped_already_done": 0, "started": "2026-12-05T08:46:52"}');
CREATE TABLE texts (doc_id TEXT PRIMARY KEY, text TEXT NOT NULL);
INSERT INTO "texts" VALUES('site-a/a1.txt','县医保局将京津冀写成京津翼，截止目前已整改，名族团结，党的二十精神
');
INSERT INTO "texts" VALUES('site-a/a4.docx','第一段没有问题。
第二段：截止目前已完成。
单元格
促进各名族团结');
INSERT INTO "texts" VALUES('site-a/news/a3.html','关于推进京津翼协同发展的通知
各单位要认真学习贯彻党的二十精神，促进各名族团结。
');
INSERT INTO "texts" VALUES('site-b/b1.htm','深入推进京津翼协同发展，<截止目前>，各项工作有序推进。名族团结。
');
INSERT INTO "texts" VALUES('r-2017','由国家工商行政管理总局负责，以及其它事项。');
INSERT INTO "texts" VALUES('r-2020','由国家工商行政管理总局负责，以及其它事项。');
INSERT INTO "texts" VALUES('<script>alert(1)</script>','<b>名族</b>团结');
COMMIT;
